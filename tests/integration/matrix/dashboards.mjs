// Route × caller rows of the dashboards module (src/api/h_dashboards.c).
// Route name → how to call it and what each caller gets. matrix.test.mjs reads every file of
// this folder; each file holds exactly the rows of its module's routes (iocd --routes, column 6).
import { only, USERS } from '../matrix_lib.mjs';

// every signed-in user reads dashboards, and keys with read:indicators (keyByAdmin and
// keyByStaff carry it; keyScoped and keyUnscoped do not)
const readers = { ...only(USERS, 200), keyByAdmin: 200, keyByStaff: 200 };
// a small dashboard (synthetic); the admin's PUT creates it (201), the admin's DELETE, which
// runs after, removes it (204)
const dashboard = () => ({
  version: 1, id: 'matrix-test', title_vi: 'Bảng thử của ma trận (dữ liệu mẫu)', domain: 'CCHC',
  panels: [{ id: 'p1', type: 'number', x: 0, y: 0, w: 3, h: 2, indicator: 'CCHC.TL_HS_TOANTRINH' }],
});

export const rows = {
  'dashboards.list': { method: 'GET', path: () => '/api/v1/dashboards?q=tong%20quan&page_size=5', expect: readers },
  'dashboards.get': { method: 'GET', path: () => '/api/v1/dashboards/tong-quan-tinh', expect: readers },
  // only admins change dashboards; no key does (there is no scope for it)
  'dashboards.put': { method: 'PUT', path: () => '/api/v1/dashboards/matrix-test', body: dashboard, expect: only(['admin'], 201) },
  'dashboards.delete': { method: 'DELETE', path: () => '/api/v1/dashboards/matrix-test', expect: only(['admin'], 204) },
};
