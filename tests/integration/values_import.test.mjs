// A file of indicator values imported, all or nothing (src/indicators/values_import.c), by
// `iocctl import values` while iocd runs and by POST /api/v1/indicator-values/import: CSV with a
// BOM, XLSX with a period that Excel turned into a date, every refused row named by its row and
// column with nothing stored, the caller's agency rule (403), the body limit (413), a file that
// is not a spreadsheet, the audit row. Values of the synthetic demo catalogue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startDemo, Client, iocctl, tempDir } from './lib.mjs';
import { xlsxOf } from './xlsx_lib.mjs';

let srv, admin, staff, dir, A, B;
const value = async (code, unit, period) => {
  const r = await admin.get(`/api/v1/indicators/${code}/values?unit=${unit}&from=${period}&to=${period}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.values[0].value;
};
const file = (name, data) => {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
};

before(async () => {
  srv = await startDemo({ env: { IOC_INDICATORS_MAX_IMPORT_BYTES: '4096' }, waitIndex: false });
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  staff = new Client(srv.url); // SO-NNMT's staff (the demo's), whose agency covers the province
  assert.equal((await staff.login('staff')).status, 200);
  const u = await admin.get('/api/v1/units?level=commune&parent=75&limit=2');
  [A, B] = u.body.units.map((x) => x.code);
  assert.ok(A && B);
  dir = tempDir('ioc-values-import-');
});
after(async () => {
  await srv?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('iocctl import values: a CSV with a BOM is stored while iocd runs; again, nothing changes', async () => {
  const csv = `\ufeffIndicator,Unit,Period,Value,Num,Den\nNN.O_ASF,${A},2026-07,12,,\nNN.O_ASF,${B},2026-07,30,,\n` +
    `CCHC.TL_HS_TOANTRINH,${A},2026-07,,30,120\n`;
  const p = file('ok.csv', csv);
  let r = iocctl(srv.data, ['import', 'values', '--note', 'tháng 7', p]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /3 rows: 3 added, 0 revised, 0 unchanged/);
  assert.equal(await value('NN.O_ASF', A, '2026-07'), 12);
  assert.equal(await value('NN.O_ASF', '75', '2026-07'), 42);
  assert.equal(await value('CCHC.TL_HS_TOANTRINH', A, '2026-07'), 25);
  r = iocctl(srv.data, ['import', 'values', p]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0 added, 0 revised, 3 unchanged/);
});

test('iocctl import values: every refused row by row and column, in row order; nothing stored', async () => {
  const csv = `indicator,unit,period,value\nNN.O_ASF,${A},2026-08,1\nNOPE,${A},2026-08,1\nNN.O_ASF,${B},2026-13,1\n` +
    `NN.O_ASF,${B},2026-08,1.234,5\nNN.O_ASF,${A},2026-08,2\n`;
  const r = iocctl(srv.data, ['import', 'values', file('bad.csv', csv)]);
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[0], /bad\.csv: row 3, column indicator: no indicator has the code 'NOPE'/);
  assert.match(lines[1], /row 4, column period: /);
  assert.match(lines[2], /row 5, column E: a value in a column the first row does not name/);
  assert.match(lines[3], /row 6, column period: the same indicator, unit and period as an earlier row/);
  assert.match(lines[4], /nothing was stored: 4 problem\(s\)/);
  assert.equal(await value('NN.O_ASF', A, '2026-08'), null);
});

test('POST an XLSX: a period Excel stored as a date is the month holding it; audited', async () => {
  const x = xlsxOf([['indicator', 'unit', 'period', 'value'], ['NN.O_ASF', A, { date: '2026-09-01' }, '7.5'],
    ['NN.O_ASF', B, '2026-09', '2.5']]);
  const r = await staff.req('POST', '/api/v1/indicator-values/import?note=b%C3%A1o%20c%C3%A1o', { body: x });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, { rows: 2, added: 2, revised: 0, unchanged: 0 });
  assert.equal(await value('NN.O_ASF', '75', '2026-09'), 10);
  const h = await admin.get(`/api/v1/indicators/NN.O_ASF/values/${A}/2026-09/revisions`);
  assert.equal(h.body.revisions[0].note, 'báo cáo');
  assert.equal(h.body.revisions[0].source, 'imported');
  const a = await admin.get('/api/v1/audit?action=indicator.import&limit=5');
  assert.equal(a.status, 200);
  assert.ok(a.body.entries.some((e) => e.actor === 'staff' && /"rows":2/.test(e.detail)), JSON.stringify(a.body.entries));
});

test('POST refusals: another agency\'s indicator 403 by row; a bad file 422; over the limit 413', async () => {
  const other = (await admin.get('/api/v1/indicators/CCHC.HS_TRUCTUYEN')).body.agency;
  assert.notEqual(other, 'SO-NNMT');
  let r = await staff.req('POST', '/api/v1/indicator-values/import',
    { body: `indicator,unit,period,value\nNN.O_ASF,${A},2026-10,1\nCCHC.HS_TRUCTUYEN,${A},2026-10,1\n` });
  assert.equal(r.status, 403, JSON.stringify(r.body));
  assert.deepEqual(r.body.error.errors.map((e) => [e.row, e.column]), [[3, 'indicator']]);
  assert.equal(await value('NN.O_ASF', A, '2026-10'), null);
  r = await staff.req('POST', '/api/v1/indicator-values/import', { body: Buffer.from('PK\x03\x04 not a zip') });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.equal(r.body.error.field, 'file');
  assert.match(r.body.error.message, /cannot be read/);
  r = await staff.req('POST', '/api/v1/indicator-values/import', { body: 'indicator,unit\n' });
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.error.errors.map((e) => [e.row, e.column]), [[1, 'period']]);
  r = await staff.req('POST', '/api/v1/indicator-values/import', { body: 'x'.repeat(5000) });
  assert.equal(r.status, 413);
});

test('iocctl indicators shares: the export lists the split units (none in Đồng Nai 2025); a row naming a whole link is refused', async () => {
  let r = iocctl(srv.data, ['indicators', 'shares', 'export']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'old,old_name,old_valid_to,new,new_name,partial,links,share,effective_share');
  const p = file('shares.csv', `old,new,share\n${A},${B},0.5\n`);
  r = iocctl(srv.data, ['indicators', 'shares', 'import', p]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`shares\\.csv: row 2, column old: '${A}' is no unit that was split`));
  assert.match(r.stderr, /nothing was stored: 1 problem/);
  r = iocctl(srv.data, ['indicators', 'shares']);
  assert.equal(r.status, 2);
});
