// Route × caller rows of the accounts module (src/api/h_accounts.c): agencies, users, keys.
// Route name → how to call it and what each caller gets. matrix.test.mjs reads every file of
// this folder; each file holds exactly the rows of its module's routes (iocd --routes, column 6).
import { only, USERS, uniq } from '../matrix_lib.mjs';

export const rows = {
  'agencies.list': { method: 'GET', path: () => '/api/v1/agencies', expect: { ...only(USERS, 200), keyScoped: 200, keyByAdmin: 200, keyByStaff: 200 } },
  'agencies.get': { method: 'GET', path: () => '/api/v1/agencies/SO-NNMT', expect: { ...only(USERS, 200), keyScoped: 200, keyByAdmin: 200, keyByStaff: 200 } },
  // a key creates agencies under its own agency only (the parent defaults to it)
  'agencies.create': { method: 'POST', path: () => '/api/v1/agencies', body: () => ({ code: uniq('AG'), name: 'Cơ quan thử (dữ liệu mẫu)' }), expect: { ...only(['admin'], 201), keyScoped: 201, keyByAdmin: 201 } },
  // only admins change agencies; a key, even with write:agencies, does not (nothing changes here: 200)
  'agencies.update': { method: 'PATCH', path: () => '/api/v1/agencies/TEST-B', body: () => ({ name: 'Cơ quan B (dữ liệu mẫu)' }), expect: only(['admin'], 200) },
  'users.list': { method: 'GET', path: () => '/api/v1/users', expect: only(['admin'], 200) },
  'users.create': { method: 'POST', path: () => '/api/v1/users', body: () => ({ username: uniq('u'), role: 'operator', password: 'password-123' }), expect: only(['admin'], 201) },
  'users.update': { method: 'PATCH', path: () => '/api/v1/users/matrixuser', body: () => ({ display_name: uniq('Người dùng thử') }), expect: only(['admin'], 200) },
  'users.password': { method: 'PUT', path: () => '/api/v1/users/matrixuser/password', body: () => ({ password: 'password-' + uniq('p') }), expect: only(['admin'], 204) },
  'keys.list': { method: 'GET', path: () => '/api/v1/keys', expect: only(['admin', 'staffA', 'staffB'], 200) },
  'keys.create': { method: 'POST', path: () => '/api/v1/keys', body: () => ({ agency_code: 'SO-NNMT', scopes: ['read:reports'] }), expect: only(['admin', 'staffA'], 201) },
  'keys.revoke': { method: 'DELETE', path: (ctx) => `/api/v1/keys/${ctx.keyId}`, prepare: true, expect: only(['admin', 'staffA'], 204) },
};
