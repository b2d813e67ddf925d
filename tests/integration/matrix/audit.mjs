// Route × caller rows of the audit module (src/api/h_audit.c).
// Route name → how to call it and what each caller gets. matrix.test.mjs reads every file of
// this folder; each file holds exactly the rows of its module's routes (iocd --routes, column 6).
import { only } from '../matrix_lib.mjs';

export const rows = {
  // keys read their own agency's rows only (accounts.test.mjs checks the rows)
  'audit.list': { method: 'GET', path: () => '/api/v1/audit?limit=5', expect: { ...only(['admin'], 200), keyScoped: 200, keyByAdmin: 200 } },
};
