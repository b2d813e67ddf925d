// Route × caller rows of the reports module (src/api/h_reports.c): the workflow. They act on
// request 1, which matrix/open311.mjs files first (den-duong at Trấn Biên, routed to UBND-26041
// by the commune's override): for it staffA (SO-NNMT) and staffB (TEST-B) are both staff of
// another agency, and the agency keys (SO-NNMT) too. Reads: the centre (operator, leader,
// admin); the list answers staff and read:reports keys their own agency's reports only. Acts:
// admins and operators (a note 200; a transition from received to closed 409; a merge into
// itself 422); everyone else 403. The owning agency's staff on every route (200) is in
// reports_workflow.test.mjs. The citizen's routes are public and check the token: without it
// 403 in Open311's format.
import { CALLERS } from '../matrix_lib.mjs';

const status = (m) => Object.fromEntries(CALLERS.map((k) => [k, m[k] ?? m.default]));
const readers = status({ anon: 401, keyUnscoped: 403, default: 200 });
// matrix.test.mjs files request 1 (den-duong, SO-XD) first; these rows act on it through notes,
// which any state takes (a transition would run out of states over ten callers)
const json = (o) => () => o;
const form = (o) => () => new TextEncoder().encode(new URLSearchParams(o).toString());

export const rows = {
  'reports.list': { method: 'GET', path: () => '/api/v1/reports?state=received', expect: readers },
  // report 1 is SO-XD's: staffA (SO-NNMT) and SO-NNMT's keys are another agency there
  'reports.get': {
    method: 'GET', path: () => '/api/v1/reports/1',
    expect: status({ anon: 401, staffA: 403, staffB: 403, keyUnscoped: 403, keyScoped: 403, keyByAdmin: 403, keyByStaff: 403, default: 200 }),
  },
  'reports.notes': {
    method: 'POST', path: () => '/api/v1/reports/1/notes', body: json({ note: 'Ghi chú của ma trận' }),
    expect: status({ anon: 401, operator: 200, admin: 200, default: 403 }),
  },
  'reports.transition': {
    method: 'POST', path: () => '/api/v1/reports/1/transition', body: json({ to: 'closed' }),
    expect: status({ anon: 401, operator: 409, admin: 409, default: 403 }),
  },
  'reports.merge': {
    method: 'POST', path: () => '/api/v1/reports/1/merge', body: json({ into: 1 }),
    expect: status({ anon: 401, operator: 422, admin: 422, default: 403 }),
  },
  'reports.citizen_config': { method: 'GET', path: () => '/api/v1/citizen/config', expect: status({ default: 200 }) },
  'reports.reopen': { method: 'POST', path: () => '/open311/v2/requests/1/reopen.json', body: form({}), expect: status({ default: 403 }) },
  'reports.rating': { method: 'POST', path: () => '/open311/v2/requests/1/rating.json', body: form({ rating: '5' }), expect: status({ default: 403 }) },
};

