// Route × caller rows of the indunits module (src/api/h_indunits.c): every commune's value of an
// indicator in one answer. The same callers as GET …/values: every signed-in user, and keys with
// read:indicators.
import { only, USERS } from '../matrix_lib.mjs';

const readers = { ...only(USERS, 200), keyByAdmin: 200, keyByStaff: 200 };

export const rows = {
  'indunits.get': { method: 'GET', path: () => '/api/v1/indicators/NN.O_ASF/values/units?period=2026-01', expect: readers },
};
