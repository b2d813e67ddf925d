// Route × caller rows of the system module (src/api/h_system.c).
// Route name → how to call it and what each caller gets. matrix.test.mjs reads every file of
// this folder; each file holds exactly the rows of its module's routes (iocd --routes, column 6).
import { ALL } from '../matrix_lib.mjs';

export const rows = {
  'health': { method: 'GET', path: () => '/healthz', expect: ALL(200) },
  'metrics': { method: 'GET', path: () => '/metrics', expect: ALL(200) },
  'openapi': { method: 'GET', path: () => '/api/openapi.json', expect: ALL(200) },
};
