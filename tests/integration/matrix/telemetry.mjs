// Route × caller rows of the telemetry module (src/api/h_telemetry.c).
// Route name → how to call it and what each caller gets. matrix.test.mjs reads every file of
// this folder; each file holds exactly the rows of its module's routes (iocd --routes, column 6).
import { ALL, USERS, only } from '../matrix_lib.mjs';

const WRITERS = [...USERS, 'keyByAdmin', 'keyByStaff'];
const READERS = WRITERS; // read:telemetry: the same callers
const line = () => `matrix,src=row v=1 ${Date.now()}000000\n`;

export const rows = {
  'telemetry.write': { method: 'POST', path: () => '/write?db=m', body: line, expect: only(WRITERS, 204) },
  'telemetry.write_v2': { method: 'POST', path: () => '/api/v2/write?bucket=m&precision=ns', body: line, expect: only(WRITERS, 204) },
  'telemetry.ping': { method: 'GET', path: () => '/ping', expect: ALL(204) },
  'telemetry.influxql': { method: 'GET', path: () => '/query?q=SHOW+DATABASES', expect: only(WRITERS, 200) },
  'telemetry.influxql_post': { method: 'POST', path: () => '/query?q=CREATE+DATABASE+m', expect: only(WRITERS, 200) },
  'telemetry.query': { method: 'GET', path: () => '/api/v1/query?measurement=matrix&field=v&step=5m', expect: only(READERS, 200) },
  'telemetry.latest': { method: 'GET', path: () => '/api/v1/latest?measurement=matrix', expect: only(READERS, 200) },
  'telemetry.series': { method: 'GET', path: () => '/api/v1/series?measurement=matrix', expect: only(READERS, 200) },
  'telemetry.stream': { method: 'GET', path: () => '/api/v1/stream?measurement=matrix', expect: only(READERS, 200) },
};
