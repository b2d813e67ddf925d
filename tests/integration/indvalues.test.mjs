// Indicator values over HTTP: a batch posted (all or nothing, every bad row named by index and
// field), revisions kept and listed, identical values making none, periods closed (409 for
// everyone) and re-opened by an admin, who may write (the indicator's agency, for the units it
// covers; 403 otherwise), roll-up to the province and to quarters and years by the indicator's
// rule (a ratio is Σnum/Σden, not a mean of percentages), a derived indicator over rolled-up
// inputs, CSV, and the audit row of a write. Indicators are made for the test (synthetic).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, Client } from './lib.mjs';

let srv, admin, staff;
let A, B, C; // three communes of the province in force today
const base = (over) => ({
  domain: 'KTTH', name_vi: 'Chỉ tiêu thử (dữ liệu mẫu)', name_en: 'Test indicator (demo data)',
  unit: '%', frequency: 'month', aggregation: 'sum', polarity: 'higher', agency: 'SO-NNMT',
  source: 'entered', deadline: '+5d', ...over,
});
const vals = (code, q) => admin.get(`/api/v1/indicators/${code}/values?${q}`);
const one = async (code, q) => {
  const r = await vals(code, q);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.values.length, 1);
  return r.body.values[0];
};

before(async () => {
  // a small batch limit, so that the limit and the body it allows (256 bytes a value) are cheap
  // to reach
  srv = await startDemo({ env: { IOC_INDICATORS_MAX_VALUES_PER_REQUEST: '50' } });
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const u = await admin.get('/api/v1/units?level=commune&parent=75&limit=3');
  assert.equal(u.status, 200, JSON.stringify(u.body));
  [A, B, C] = u.body.units.map((x) => x.code);
  assert.ok(A && B && C);
  let r = await admin.post('/api/v1/agencies', { code: 'TEST-XA', name: 'UBND xã thử (dữ liệu mẫu)', parent_code: 'UBND-75', unit_code: A });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await admin.post('/api/v1/users', { username: 'xa', role: 'staff', agency_code: 'TEST-XA', password: 'xa-pass-12345' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await admin.post('/api/v1/agencies', { code: 'TEST-B', name: 'Cơ quan B (dữ liệu mẫu)' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await admin.post('/api/v1/users', { username: 'staffb', role: 'staff', agency_code: 'TEST-B', password: 'staffb-pass-123' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const inds = {
    'KTTH.T_TL': base({ aggregation: 'ratio', scale: '100', target: '80' }),
    'KTTH.T_SO': base({ unit: 'hồ sơ' }),
    'KTTH.T_HS': base({ unit: 'hồ sơ' }),
    'KTTH.T_XA': base({ unit: 'hồ sơ', agency: 'TEST-XA' }),
    'KTTH.T_DER': base({ aggregation: 'ratio', scale: '100', source: 'derived', deadline: '', expression: '100 * KTTH.T_SO / KTTH.T_HS' }),
  };
  for (const [code, body] of Object.entries(inds)) {
    r = await admin.put(`/api/v1/indicators/${code}`, body);
    assert.equal(r.status, 200, `${code}: ${JSON.stringify(r.body)}`);
  }
});
after(async () => { await srv?.stop(); });

test('a good batch is stored; the province is Σnum/Σden, not the mean of percentages', async () => {
  const r = await staff.post('/api/v1/indicators/KTTH.T_TL/values', {
    values: [{ unit: A, period: '2026-10', num: 1, den: 2 }, { unit: B, period: '2026-10', num: 90, den: 100 },
      { unit: C, period: '2026-10', num: 3, den: 4 }], note: 'tháng 10',
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.added, r.body.revised, r.body.unchanged], [3, 0, 0]);
  const a = await one('KTTH.T_TL', `unit=${A}&from=2026-10&to=2026-10`);
  assert.equal(a.value, 50);
  assert.equal(a.light, 'red');
  const p = await one('KTTH.T_TL', 'from=2026-10&to=2026-10');
  assert.ok(Math.abs(p.value - (100 * 94) / 106) < 1e-9, String(p.value));
  assert.ok(Math.abs(p.value - (50 + 90 + 75) / 3) > 10);
  assert.deepEqual([p.num, p.den, p.inputs, p.approximate, p.light], [94, 106, 3, false, 'green']);
});

test('a batch with one bad row: 422 naming index and field, nothing stored', async () => {
  const r = await staff.post('/api/v1/indicators/KTTH.T_HS/values', {
    values: [{ unit: A, period: '2026-10', value: 10 }, { unit: B, period: '2026-13', value: 20 },
      { unit: C, period: '2026-10', value: 'x' }],
  });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'invalid_field');
  assert.deepEqual(r.body.error.errors.map((e) => [e.index, e.field]), [[1, 'period'], [2, 'value']]);
  const r2 = await staff.post('/api/v1/indicators/KTTH.T_HS/values', {
    values: [{ unit: A, period: '2026-10', value: 10 }, { unit: 'NO-SUCH', period: '2026-10', value: 20 }],
  });
  assert.equal(r2.status, 422);
  assert.deepEqual(r2.body.error.errors.map((e) => [e.index, e.field]), [[1, 'unit']]);
  const a = await one('KTTH.T_HS', `unit=${A}&from=2026-10&to=2026-10`);
  assert.equal(a.value, null);
  assert.equal(a.reason, 'no input');
  // a ratio without den, a value on a derived indicator
  const r3 = await staff.post('/api/v1/indicators/KTTH.T_TL/values', { values: [{ unit: A, period: '2026-11', num: 1 }] });
  assert.equal(r3.status, 422);
  assert.equal(r3.body.error.errors[0].field, 'den');
  const r4 = await admin.post('/api/v1/indicators/KTTH.T_DER/values', { values: [{ unit: A, period: '2026-11', value: 1 }] });
  assert.equal(r4.status, 422);
});

test('two values for one unit and period in one batch: 422 naming the later one, nothing stored', async () => {
  const r = await staff.post('/api/v1/indicators/KTTH.T_SO/values', {
    values: [{ unit: A, period: '2026-09', value: 1 }, { unit: B, period: '2026-09', value: 2 },
      { unit: A, period: '2026-09', value: 3 }],
  });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.deepEqual(r.body.error.errors.map((e) => [e.index, e.field]), [[2, 'period']]);
  assert.match(r.body.error.errors[0].error, /same unit and period/);
  const a = await one('KTTH.T_SO', `unit=${A}&from=2026-09&to=2026-09`);
  assert.equal(a.value, null);
});

test('a revision keeps the previous value; an identical value makes none', async () => {
  const path = '/api/v1/indicators/KTTH.T_TL/values';
  let r = await staff.post(path, { values: [{ unit: A, period: '2026-09', num: 1, den: 4 }] });
  assert.equal(r.body.added, 1);
  r = await staff.post(path, { values: [{ unit: A, period: '2026-09', num: 2, den: 4 }], note: 'sửa' });
  assert.deepEqual([r.body.added, r.body.revised, r.body.unchanged], [0, 1, 0]);
  r = await staff.post(path, { values: [{ unit: A, period: '2026-09', num: 2, den: 4 }] });
  assert.deepEqual([r.body.added, r.body.revised, r.body.unchanged], [0, 0, 1]);
  r = await staff.get(`/api/v1/indicators/KTTH.T_TL/values/${A}/2026-09/revisions`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.count, 2);
  const [now, before] = r.body.revisions;
  assert.deepEqual([now.revision, now.value, now.num, now.note, now.who, now.source], [2, 50, 2, 'sửa', 'staff', 'entered']);
  assert.deepEqual([before.revision, before.value, before.num], [1, 25, 1]);
  // another agency's staff does not read them; the operator does
  const b = new Client(srv.url);
  assert.equal((await b.login('staffb', 'staffb-pass-123')).status, 200);
  assert.equal((await b.get(`/api/v1/indicators/KTTH.T_TL/values/${A}/2026-09/revisions`)).status, 403);
  const op = new Client(srv.url);
  assert.equal((await op.login('operator')).status, 200);
  assert.equal((await op.get(`/api/v1/indicators/KTTH.T_TL/values/${A}/2026-09/revisions`)).status, 200);
});

test('a closed period refuses every writer (409); re-opened, the write is accepted', async () => {
  let r = await admin.put('/api/v1/periods/2026-08', { state: 'closed', note: 'đã chốt số liệu' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.state, 'closed');
  r = await staff.get('/api/v1/periods/2026-08');
  assert.deepEqual([r.status, r.body.state, r.body.closed_by, r.body.note], [200, 'closed', 'admin', 'đã chốt số liệu']);
  const body = { values: [{ unit: A, period: '2026-08', value: 3 }] };
  r = await staff.post('/api/v1/indicators/KTTH.T_SO/values', body);
  assert.equal(r.status, 409, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'period_closed');
  r = await admin.post('/api/v1/indicators/KTTH.T_SO/values', body);
  assert.equal(r.status, 409);
  // a closed year closes its months too
  assert.equal((await admin.put('/api/v1/periods/2025', { state: 'closed' })).status, 200);
  r = await staff.post('/api/v1/indicators/KTTH.T_SO/values', { values: [{ unit: A, period: '2025-12', value: 1 }] });
  assert.equal(r.status, 409);
  assert.equal((await staff.put('/api/v1/periods/2026-08', { state: 'open' })).status, 403);
  r = await admin.put('/api/v1/periods/2026-08', { state: 'open' });
  assert.equal(r.body.state, 'open');
  r = await staff.post('/api/v1/indicators/KTTH.T_SO/values', body);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await admin.get('/api/v1/audit?action=period.*');
  assert.equal(r.status, 200);
  assert.ok(r.body.entries.some((e) => e.action === 'period.close' && e.target === 'period:2026-08'), JSON.stringify(r.body).slice(0, 300));
});

test('who may write: the agency for units it covers, admins; others 403', async () => {
  const body = { values: [{ unit: A, period: '2026-07', value: 1 }] };
  const b = new Client(srv.url);
  assert.equal((await b.login('staffb', 'staffb-pass-123')).status, 200);
  assert.equal((await b.post('/api/v1/indicators/KTTH.T_SO/values', body)).status, 403);
  const op = new Client(srv.url);
  assert.equal((await op.login('operator')).status, 200);
  assert.equal((await op.post('/api/v1/indicators/KTTH.T_SO/values', body)).status, 403);
  // the commune's own agency: its commune yes, another one no (nothing stored)
  const xa = new Client(srv.url);
  assert.equal((await xa.login('xa', 'xa-pass-12345')).status, 200);
  let r = await xa.post('/api/v1/indicators/KTTH.T_XA/values', { values: [{ unit: A, period: '2026-07', value: 1 }, { unit: B, period: '2026-07', value: 2 }] });
  assert.equal(r.status, 403, JSON.stringify(r.body));
  assert.deepEqual(r.body.error.errors.map((e) => [e.index, e.field]), [[1, 'unit']]);
  r = await xa.post('/api/v1/indicators/KTTH.T_XA/values', { values: [{ unit: A, period: '2026-07', value: 1 }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await xa.post('/api/v1/indicators/KTTH.T_SO/values', body)).status, 403);
  // a key of the agency with write:indicators: source api
  const k = await staff.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:indicators', 'read:indicators'], name: 'values test' });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  const key = { authorization: `Bearer ${k.body.key}` };
  const anon = new Client(srv.url);
  r = await anon.post('/api/v1/indicators/KTTH.T_SO/values', { values: [{ unit: B, period: '2026-07', value: 5 }] }, { headers: key });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await admin.get(`/api/v1/indicators/KTTH.T_SO/values/${B}/2026-07/revisions`);
  assert.equal(r.body.revisions[0].source, 'api');
  r = await admin.get('/api/v1/audit?action=indicator.values');
  assert.ok(r.body.entries.some((e) => e.target === 'indicator:KTTH.T_SO' && e.outcome === 'ok' && e.detail.includes('"added":1')));
});

test('roll-up to the province and to quarters and years; a derived indicator; CSV', async () => {
  let r = await staff.post('/api/v1/indicators/KTTH.T_SO/values', {
    values: [{ unit: A, period: '2026-10', value: 1 }, { unit: A, period: '2026-11', value: 2 },
      { unit: A, period: '2026-12', value: 4 }, { unit: B, period: '2026-10', value: 8 }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await staff.post('/api/v1/indicators/KTTH.T_HS/values', {
    values: [{ unit: A, period: '2026-10', value: 10 }, { unit: B, period: '2026-10', value: 20 }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const q = await one('KTTH.T_SO', 'rollup=quarter&from=2026-Q4&to=2026-Q4');
  assert.deepEqual([q.period, q.value, q.inputs], ['2026-Q4', 15, 4]);
  // the year of A: August's 3 (the closed-period test) and the quarter's 7
  const y = await one('KTTH.T_SO', `unit=${A}&rollup=year&from=2026&to=2026`);
  assert.equal(y.value, 10);
  r = await vals('KTTH.T_SO', 'rollup=month&from=2026-10&to=2026-12');
  assert.deepEqual(r.body.values.map((v) => v.value), [9, 2, 4]);
  // derived: 100·ΣSO/ΣHS at the province (30), not the mean of 10 % and 40 %
  const d = await one('KTTH.T_DER', 'from=2026-10&to=2026-10');
  assert.equal(d.value, 30);
  const da = await one('KTTH.T_DER', `unit=${A}&from=2026-10&to=2026-10`);
  assert.equal(da.value, 10);
  assert.equal((await vals('KTTH.T_SO', 'rollup=day')).status, 400);
  assert.equal((await vals('KTTH.T_SO', 'from=2027-01&to=2026-01')).status, 400);
  assert.equal((await vals('KTTH.T_SO', 'unit=NOPE')).status, 404);
  r = await vals('KTTH.T_TL', 'from=2026-09&to=2026-10&format=csv');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const lines = r.text.trim().split(/\r?\n/);
  assert.equal(lines[0], 'period,value,num,den,approximate,reason,light');
  assert.equal(lines.length, 3);
  assert.match(lines[2], /^2026-10,88\.679245283\d*,94,106,false,,green$/);
  assert.equal(Number(lines[2].split(',')[1]), (100 * 94) / 106); // exact: the shortest text of the double
  r = await admin.req('GET', '/api/v1/indicators/KTTH.T_TL/values?from=2026-09&to=2026-10&format=xlsx', { raw: true });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(r.headers.get('content-disposition'), /filename="KTTH\.T_TL-75\.xlsx"/);
  assert.ok(r.text.startsWith('PK\x03\x04'));
  assert.equal((await vals('KTTH.T_TL', 'format=ods')).status, 400);
});

test('at=: values of pre-2025 wards roll up into today\'s ward through the succession links', async () => {
  // Phường Biên Hoà (26068) was formed on 1 July 2025 from the old wards 26062, 26053, 26059
  // and the old 26068 (data/vn-units); values of March 2024 recorded against the old ones
  const r = await staff.post('/api/v1/indicators/KTTH.T_SO/values', {
    values: [{ unit: '26062', period: '2024-03', value: 1 }, { unit: '26053', period: '2024-03', value: 2 },
      { unit: '26059', period: '2024-03', value: 4 }, { unit: '26068', period: '2024-03', value: 8 }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const now = await one('KTTH.T_SO', 'unit=26068&at=2026-01-01&from=2024-03&to=2024-03');
  assert.deepEqual([now.value, now.inputs, now.approximate], [15, 4, false]);
  const p = await one('KTTH.T_SO', 'at=2026-01-01&from=2024-03&to=2024-03');
  assert.equal(p.value, 15);
  // the old geography: the old ward is itself; without at, the code's own values
  const old = await one('KTTH.T_SO', 'unit=26062&at=2024-06-01&from=2024-03&to=2024-03');
  assert.equal(old.value, 1);
  assert.equal((await one('KTTH.T_SO', 'unit=26068&from=2024-03&to=2024-03')).value, 8);
  // a unit not in force on that day; a bad date
  assert.equal((await vals('KTTH.T_SO', 'unit=26062&at=2026-01-01')).status, 404);
  assert.equal((await vals('KTTH.T_SO', 'at=2026-13-01')).status, 400);
  const body = (await vals('KTTH.T_SO', 'unit=26068&at=2026-01-01&from=2024-03&to=2024-03')).body;
  assert.equal(body.at, '2026-01-01');
});

test('indicators.max_values_per_request: a larger batch is 422; a body over 256 bytes a value is 413', async () => {
  const values = Array.from({ length: 51 }, (_, i) => ({ unit: A, period: `20${27 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`, value: i }));
  let r = await staff.post('/api/v1/indicators/KTTH.T_HS/values', { values });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.equal(r.body.error.field, 'values');
  assert.match(r.body.error.message, /At most 50 values/);
  r = await staff.post('/api/v1/indicators/KTTH.T_HS/values', { values: values.slice(0, 50) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.added, 50);
  r = await staff.post('/api/v1/indicators/KTTH.T_HS/values', { values: values.slice(0, 1), note: 'x'.repeat(50 * 256 + 4096) });
  assert.equal(r.status, 413);
});
