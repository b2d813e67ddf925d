// Route × caller rows of the overview module (src/api/h_overview.c): the overview of a unit and
// the freshness table. Every signed-in user reads, and keys with read:indicators (keyByAdmin
// and keyByStaff). Staff and keys see only their own agency in freshness: SO-NNMT is staffA's
// and the keys' agency, so staffB (TEST-B) is refused it.
import { only, USERS } from '../matrix_lib.mjs';

const readers = { ...only(USERS, 200), keyByAdmin: 200, keyByStaff: 200 };

export const rows = {
  'overview.get': { method: 'GET', path: () => '/api/v1/overview?period=2026-01&domain=CCHC', expect: readers },
  'freshness.get': { method: 'GET', path: () => '/api/v1/freshness?agency=SO-NNMT&period=2026-01', expect: { ...readers, staffB: 403 } },
};
