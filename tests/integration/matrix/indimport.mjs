// Route × caller rows of the indimport module (src/api/h_indimport.c): a file of indicator
// values. The same one-row CSV as indvalues.post's batch (NN.O_ASF, SO-NNMT's monthly sum, for
// the province): importing it again answers 200 (unchanged), so the row can run for every caller.
import { only, USERS } from '../matrix_lib.mjs';

// the agency's staff, admins and keys with write:indicators; the staff of another agency,
// operators and leaders are refused by the agency rule (403 naming the rows)
const writers = { ...only(['staffA', 'admin'], 200), keyByAdmin: 200, keyByStaff: 200 };

export const rows = {
  'indvalues.import': {
    method: 'POST', path: () => '/api/v1/indicator-values/import?note=matrix',
    body: () => 'indicator,unit,period,value\nNN.O_ASF,75,2026-02,2\n', expect: writers,
  },
};
