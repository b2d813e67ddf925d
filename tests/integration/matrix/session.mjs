// Route × caller rows of the session module (src/api/h_session.c).
// Route name → how to call it and what each caller gets. matrix.test.mjs reads every file of
// this folder; each file holds exactly the rows of its module's routes (iocd --routes, column 6).
import { ALL, only, USERS } from '../matrix_lib.mjs';

export const rows = {
  'session.create': { method: 'POST', path: () => '/api/v1/session', body: () => ({ username: 'nobody', password: 'wrong-password' }), expect: ALL(401) },
  'session.get': { method: 'GET', path: () => '/api/v1/session', expect: only(USERS, 200) },
  'session.password': { method: 'PUT', path: () => '/api/v1/session/password', body: () => ({ current_password: 'not-the-password', new_password: 'whatever-123' }), expect: only(USERS, 422) },
  // run last of all rows: it ends the caller's session
  'session.delete': { method: 'DELETE', path: () => '/api/v1/session', expect: only(USERS, 204), last: true },
};
