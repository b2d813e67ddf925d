// Route × caller rows of the units module (src/api/h_units.c).
// Route name → how to call it and what each caller gets. matrix.test.mjs reads every file of
// this folder; each file holds exactly the rows of its module's routes (iocd --routes, column 6).
import { ALL } from '../matrix_lib.mjs';

export const rows = {
  'units.list': { method: 'GET', path: () => '/api/v1/units?q=bien', expect: ALL(200) },
  'units.geojson': { method: 'GET', path: () => '/api/v1/units.geojson?level=province&simplify=500', expect: ALL(200) },
  'units.lookup': { method: 'GET', path: () => '/api/v1/units/lookup?lat=10.95&lon=106.82', expect: ALL(200) },
  'units.get': { method: 'GET', path: () => '/api/v1/units/26068', expect: ALL(200) },
};
