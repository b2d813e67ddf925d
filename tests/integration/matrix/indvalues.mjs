// Route × caller rows of the indvalues module (src/api/h_indvalues.c): indicator values and
// closed periods. NN.O_ASF is a monthly sum indicator of SO-NNMT (staffA's agency, which covers
// the whole province through UBND-75); posting the same value again answers 200 (unchanged).
import { only, USERS } from '../matrix_lib.mjs';

// every signed-in user reads, and keys with read:indicators (keyByAdmin and keyByStaff)
const readers = { ...only(USERS, 200), keyByAdmin: 200, keyByStaff: 200 };
// the agency's staff and keys with write:indicators, and admins; the staff of another agency,
// operators and leaders are refused by the agency rule
const writers = { ...only(['staffA', 'admin'], 200), keyByAdmin: 200, keyByStaff: 200 };
// the revisions: readers of SO-NNMT's data (not the staff of another agency)
const agencyReaders = { ...readers, staffB: 403 };

export const rows = {
  'indvalues.post': {
    method: 'POST', path: () => '/api/v1/indicators/NN.O_ASF/values',
    body: () => ({ values: [{ unit: '75', period: '2026-01', value: 2 }], note: 'matrix' }), expect: writers,
  },
  'indvalues.get': { method: 'GET', path: () => '/api/v1/indicators/NN.O_ASF/values?from=2026-01&to=2026-03', expect: readers },
  'indvalues.revisions': { method: 'GET', path: () => '/api/v1/indicators/NN.O_ASF/values/75/2026-01/revisions', expect: agencyReaders },
  'periods.get': { method: 'GET', path: () => '/api/v1/periods/2026-01', expect: readers },
  // re-opening a period that is open changes nothing, so the row can run for every caller
  'periods.put': { method: 'PUT', path: () => '/api/v1/periods/2030-01', body: () => ({ state: 'open' }), expect: only(['admin'], 200) },
};
