// Route × caller rows of the stations module (src/api/h_stations.c).
// Reads are public (station positions and statuses are public information); operators, leaders
// and admins write; no key does (there is no scope for it).
import { ALL, only } from '../matrix_lib.mjs';

// a synthetic water-level station inside Biên Hoà; the operator's PUT creates it (201), the
// leader's and admin's replace it (200); the operator's DELETE removes it (204), after which
// the others find nothing (404)
const station = () => ({
  name_vi: 'Trạm của ma trận (dữ liệu mẫu)', kind: 'water_level', lat: 10.94, lon: 106.81,
  measures: ['level'], alarm1: 1.5, alarm2: 2, alarm3: 2.5, synthetic: true,
});
const writers = ['operator', 'leader', 'admin'];

export const rows = {
  'stations.list': { method: 'GET', path: () => '/api/v1/stations?kind=air', expect: ALL(200) },
  'stations.geojson': { method: 'GET', path: () => '/api/v1/stations.geojson', expect: ALL(200) },
  'stations.get': { method: 'GET', path: () => '/api/v1/stations/AQ-BH1', expect: ALL(200) },
  'stations.put': { method: 'PUT', path: () => '/api/v1/stations/WL-MATRIX', body: station, expect: { ...only(writers, 200), operator: 201 } },
  'stations.delete': { method: 'DELETE', path: () => '/api/v1/stations/WL-MATRIX', expect: { ...only(writers, 404), operator: 204 } },
};
