// Route × caller rows of the rules module (src/api/h_rules.c).
// Staff and up read rules (staff their agency's: staffB finds rule 1 of SO-NNMT nowhere, 404);
// operators, leaders and admins write them; no key does (there is no scope for rules).
import { only } from '../matrix_lib.mjs';

// a threshold rule of SO-NNMT (staffA's agency); the demo has none, so the first POST makes rule 1
const rule = () => ({
  name: { vi: 'Quy tắc của ma trận (dữ liệu mẫu)', en: 'Matrix rule' }, severity: 'info',
  type: 'threshold', agency: 'SO-NNMT', synthetic: true,
  target: { measurement: 'water', field: 'level', tags: { station: 'WL-MATRIX' } },
  params: { op: '>', value: 100 },
});
const users = ['staffA', 'staffB', 'operator', 'leader', 'admin'];
const writers = ['operator', 'leader', 'admin'];

export const rows = {
  'rules.list': { method: 'GET', path: () => '/api/v1/rules', expect: only(users, 200) },
  'rules.create': { method: 'POST', path: () => '/api/v1/rules', body: rule, expect: only(writers, 201) },
  'rules.get': { method: 'GET', path: () => '/api/v1/rules/1', expect: { ...only(users, 200), staffB: 404 } },
  'rules.put': { method: 'PUT', path: () => '/api/v1/rules/1', body: rule, expect: only(writers, 200) },
  'rules.delete': { method: 'DELETE', path: () => '/api/v1/rules/1', expect: { ...only(writers, 404), operator: 204 } },
};
