// Route × caller rows of the alerts module (src/api/h_alerts.c).
// Alerts: every user, and keys with read:alerts (reading) or write:alerts (acting); the demo has
// no alert, so the allowed callers find none (404) and the others are refused before that. Which
// alerts each may see and act on (their agency's) is tests/integration/alerts.test.mjs's.
// Silences: staff and up read them, operators and up make and end them; no key.
import { only } from '../matrix_lib.mjs';

const users = ['staffA', 'staffB', 'operator', 'leader', 'admin'];
const alertReaders = [...users, 'keyByAdmin', 'keyByStaff'];
const writers = ['operator', 'leader', 'admin'];
const silence = () => ({ target_prefix: 'water,station=WL-MATRIX', reason: 'Ma trận (dữ liệu mẫu)',
  ends_at: new Date(Date.now() + 3600e3).toISOString() });

export const rows = {
  'alerts.list': { method: 'GET', path: () => '/api/v1/alerts?state=open', expect: only(alertReaders, 200) },
  'alerts.get': { method: 'GET', path: () => '/api/v1/alerts/999999', expect: only(alertReaders, 404) },
  'alerts.ack': { method: 'POST', path: () => '/api/v1/alerts/999999/ack', body: () => ({ note: 'x' }), expect: only(alertReaders, 404) },
  'alerts.resolve': { method: 'POST', path: () => '/api/v1/alerts/999999/resolve', body: () => ({ note: 'x' }), expect: only(alertReaders, 404) },
  'alerts.silences': { method: 'GET', path: () => '/api/v1/silences', expect: only(users, 200) },
  'alerts.silence_create': { method: 'POST', path: () => '/api/v1/silences', body: silence, expect: only(writers, 201) },
  'alerts.silence_delete': { method: 'DELETE', path: () => '/api/v1/silences/1', expect: { ...only(writers, 404), operator: 204 } },
};
