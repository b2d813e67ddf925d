// Route × caller rows of the open311 module (src/api/h_open311.c): Open311 GeoReport v2.
// Every GET is public. POST requests takes an API key with write:reports only (keyByAdmin and
// keyByStaff carry it); anyone else is refused 403 in Open311's error format (the spec's status
// for a missing or invalid api_key), signed-in users too: a citizen app or portal uses a key.
import { ALL, CALLERS } from '../matrix_lib.mjs';

// a report at a point of the demo province (synthetic); the body is form-urlencoded
const report = () => new TextEncoder().encode(new URLSearchParams({
  service_code: 'den-duong', lat: '10.95', long: '106.82', description: 'Đèn đường tắt (dữ liệu mẫu của ma trận)',
}).toString());
const keysOnly = Object.fromEntries(CALLERS.map((k) => [k, k === 'keyByAdmin' || k === 'keyByStaff' ? 201 : 403]));

export const rows = {
  // first, so that request 1 exists for the rows below
  'open311.requests.create': { method: 'POST', path: () => '/open311/v2/requests.json', body: report, expect: keysOnly },
  'open311.discovery': { method: 'GET', path: () => '/open311/v2/discovery.json', expect: ALL(200) },
  'open311.services': { method: 'GET', path: () => '/open311/v2/services.xml', expect: ALL(200) },
  'open311.service': { method: 'GET', path: () => '/open311/v2/services/den-duong.json', expect: ALL(200) },
  'open311.requests': { method: 'GET', path: () => '/open311/v2/requests.json?status=open', expect: ALL(200) },
  'open311.request': { method: 'GET', path: () => '/open311/v2/requests/1.xml', expect: ALL(200) },
  'open311.token': { method: 'GET', path: () => '/open311/v2/tokens/1.json', expect: ALL(200) },
  'open311.unknown': { method: 'GET', path: () => '/open311/v2/nothing.json', expect: ALL(404) },
};
