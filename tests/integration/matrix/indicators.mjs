// Route × caller rows of the indicators module (src/api/h_indicators.c).
// Route name → how to call it and what each caller gets. matrix.test.mjs reads every file of
// this folder; each file holds exactly the rows of its module's routes (iocd --routes, column 6).
import { only, USERS } from '../matrix_lib.mjs';

// every signed-in user reads the catalogue, and keys with read:indicators (keyByAdmin and
// keyByStaff carry it; keyScoped and keyUnscoped do not)
const readers = { ...only(USERS, 200), keyByAdmin: 200, keyByStaff: 200 };
// a whole indicator (synthetic); putting it again changes nothing and still answers 200
const indicator = () => ({
  domain: 'KTTH', name_vi: 'Chỉ tiêu thử của ma trận (dữ liệu mẫu)', name_en: 'Matrix test indicator (demo data)',
  unit: 'hồ sơ', frequency: 'month', aggregation: 'sum', polarity: 'higher', agency: 'SO-TC',
  source: 'entered', deadline: '+5d',
});

export const rows = {
  'domains.list': { method: 'GET', path: () => '/api/v1/domains', expect: readers },
  'indicators.list': { method: 'GET', path: () => '/api/v1/indicators?domain=CCHC&page_size=5', expect: readers },
  'indicators.get': { method: 'GET', path: () => '/api/v1/indicators/CCHC.TL_HS_TOANTRINH', expect: readers },
  // only admins change the catalogue; no key does (there is no scope for it)
  'indicators.put': { method: 'PUT', path: () => '/api/v1/indicators/KTTH.MATRIX_TEST', body: indicator, expect: only(['admin'], 200) },
};
