// Every commune's value in one request (GET /api/v1/indicators/{code}/values/units): each
// commune's value equals the one the per-unit route gives (a ratio, a sum, a derived indicator,
// the old geography with at=), the period answered is the latest with a value, sorted by code;
// errors (422 naming the field, 404) and CSV. Indicators and values are made for the test
// (synthetic).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, Client } from './lib.mjs';

let srv, admin;
let communes; // [{code}] of the province today
const base = (over) => ({
  domain: 'KTTH', name_vi: 'Chỉ tiêu thử (dữ liệu mẫu)', name_en: 'Test indicator (demo data)',
  unit: 'hồ sơ', frequency: 'month', aggregation: 'sum', polarity: 'higher', agency: 'SO-NNMT',
  source: 'entered', deadline: '+5d', ...over,
});
const units = (code, q) => admin.get(`/api/v1/indicators/${code}/values/units?${q}`);
const perUnit = async (code, unit, q) => {
  const r = await admin.get(`/api/v1/indicators/${code}/values?unit=${unit}&${q}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.values.length, 1);
  return r.body.values[0];
};

/** Each unit of the answer equals the per-unit route's value at the answer's period. */
async function samePerUnit(code, body, extra = '') {
  const q = `from=${body.period}&to=${body.period}&rollup=${body.frequency}${extra}`;
  for (const u of body.units) {
    const v = await perUnit(code, u.code, q);
    const mine = { value: u.value, num: u.num, den: u.den, approximate: u.approximate, inputs: u.inputs, light: u.light, reason: u.reason };
    const theirs = { value: v.value, num: v.num, den: v.den, approximate: v.approximate, inputs: v.inputs, light: v.light, reason: v.reason };
    assert.deepEqual(mine, theirs, u.code);
  }
}

before(async () => {
  srv = await startDemo();
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  const u = await admin.get('/api/v1/units?level=commune&parent=75&limit=200');
  assert.equal(u.status, 200, JSON.stringify(u.body));
  communes = u.body.units.map((x) => x.code).sort();
  assert.ok(communes.length > 90, String(communes.length));
  const inds = {
    'KTTH.U_TL': base({ unit: '%', aggregation: 'ratio', scale: '100', target: '80' }),
    'KTTH.U_SO': base({}),
    'KTTH.U_HS': base({}),
    'KTTH.U_DER': base({ unit: '%', aggregation: 'ratio', scale: '100', source: 'derived', deadline: '', expression: '100 * KTTH.U_SO / KTTH.U_HS' }),
  };
  for (const [code, body] of Object.entries(inds)) {
    const r = await admin.put(`/api/v1/indicators/${code}`, body);
    assert.equal(r.status, 200, `${code}: ${JSON.stringify(r.body)}`);
  }
  // the first 40 communes: October and November (a ratio with num/den, sums); the others nothing
  const some = communes.slice(0, 40);
  const post = async (code, values) => {
    const r = await admin.post(`/api/v1/indicators/${code}/values`, { values });
    assert.equal(r.status, 200, `${code}: ${JSON.stringify(r.body)}`);
  };
  await post('KTTH.U_TL', some.flatMap((c, i) => ['2026-10', '2026-11'].map((p, k) => ({ unit: c, period: p, num: i + k, den: 40 }))));
  await post('KTTH.U_SO', some.flatMap((c, i) => ['2026-10', '2026-11'].map((p, k) => ({ unit: c, period: p, value: i + 1 + k }))));
  await post('KTTH.U_HS', some.map((c, i) => ({ unit: c, period: '2026-10', value: 10 * (i % 7) })));
  // old wards before the reform of 1 July 2025: 26062, 26053, 26059 and the old 26068 became
  // today's Phường Biên Hoà (26068)
  await post('KTTH.U_SO', [{ unit: '26062', period: '2024-03', value: 1 }, { unit: '26053', period: '2024-03', value: 2 },
    { unit: '26059', period: '2024-03', value: 4 }, { unit: '26068', period: '2024-03', value: 8 }]);
});
after(async () => { await srv?.stop(); });

test('a ratio: every commune, sorted by code, each equal to the per-unit route', async () => {
  const r = await units('KTTH.U_TL', 'period=2026-10');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.indicator, 'KTTH.U_TL');
  assert.equal(r.body.period, '2026-10');
  assert.equal(r.body.at, undefined);
  assert.deepEqual(r.body.units.map((u) => u.code), communes);
  assert.equal(r.body.count, communes.length);
  const first = r.body.units[0];
  assert.ok(first.name.length > 0);
  assert.deepEqual([first.value, first.num, first.den, first.light], [0, 0, 40, 'red']);
  const tenth = r.body.units[9];
  assert.deepEqual([tenth.value, tenth.num, tenth.den], [22.5, 9, 40]);
  const none = r.body.units[50];
  assert.deepEqual([none.value, none.reason, none.num, none.light], [null, 'no input', undefined, 'none']);
  await samePerUnit('KTTH.U_TL', r.body);
});

test('a sum: latest period with a value; a quarter roll-up; each equal to the per-unit route', async () => {
  // period latest between from and to: November is the latest with a value
  let r = await units('KTTH.U_SO', 'from=2026-09&to=2027-01');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.period, '2026-11');
  assert.equal(r.body.units[0].value, 2);
  await samePerUnit('KTTH.U_SO', r.body);
  r = await units('KTTH.U_SO', 'period=2026-Q4');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.period, r.body.frequency], ['2026-Q4', 'quarter']);
  assert.deepEqual([r.body.units[3].value, r.body.units[3].inputs], [4 + 5, 2]);
  await samePerUnit('KTTH.U_SO', r.body);
  // a commune as parent: itself alone
  r = await units('KTTH.U_SO', `period=2026-10&parent=${communes[2]}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.units.map((u) => [u.code, u.value]), [[communes[2], 3]]);
  // nothing anywhere in the range: the last period, every value null
  r = await units('KTTH.U_SO', 'from=2025-01&to=2025-02');
  assert.equal(r.body.period, '2025-02');
  assert.ok(r.body.units.every((u) => u.value === null));
});

test('a derived indicator: its expression over each commune\'s inputs, as the per-unit route', async () => {
  const r = await units('KTTH.U_DER', 'period=2026-10');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  // commune 1: 100·2/10 = 20; commune 0: HS 0 → division by zero
  assert.equal(r.body.units[1].value, 20);
  assert.equal(r.body.units[1].num, undefined);
  assert.deepEqual([r.body.units[0].value, r.body.units[0].reason], [null, 'division by zero']);
  await samePerUnit('KTTH.U_DER', r.body);
});

test('at= before 2025-07-01: the old communes under the old districts; today\'s through successions', async () => {
  let r = await units('KTTH.U_SO', 'period=2024-03&at=2024-06-01');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.at, '2024-06-01');
  const codes = r.body.units.map((u) => u.code);
  assert.ok(codes.includes('26062') && codes.includes('26053'), 'old wards listed');
  assert.ok(codes.length > communes.length, `${codes.length} old communes`);
  assert.deepEqual([...codes].sort(), codes);
  const by = Object.fromEntries(r.body.units.map((u) => [u.code, u.value]));
  assert.deepEqual([by['26062'], by['26053'], by['26059'], by['26068']], [1, 2, 4, 8]);
  await samePerUnit('KTTH.U_SO', { ...r.body, units: r.body.units.filter((u) => ['26062', '26068', codes[0]].includes(u.code)) }, '&at=2024-06-01');
  // today's geography on a later day: Biên Hoà carries the four old wards' values
  r = await units('KTTH.U_SO', 'period=2024-03&at=2026-01-01');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const bh = r.body.units.find((u) => u.code === '26068');
  assert.deepEqual([bh.value, bh.inputs], [15, 4]);
  assert.ok(!r.body.units.some((u) => u.code === '26062'));
  await samePerUnit('KTTH.U_SO', { ...r.body, units: [bh] }, '&at=2026-01-01');
});

test('errors: a bad period 422 naming it, unknown indicator or unit 404, bad query 400', async () => {
  let r = await units('KTTH.U_SO', 'period=2026-13');
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.equal(r.body.error.field, 'period');
  r = await units('KTTH.U_SO', 'period=2026&rollup=month');
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'period');
  r = await units('KTTH.U_SO', 'from=2027-01&to=2026-01');
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'from');
  r = await units('KTTH.U_SO', 'rollup=day');
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'rollup');
  assert.equal((await units('KTTH.NOPE', 'period=2026-10')).status, 404);
  assert.equal((await units('KTTH.U_SO', 'period=2026-10&parent=NOPE')).status, 404);
  assert.equal((await units('KTTH.U_SO', 'period=2026-10&parent=26062')).status, 404); // not in force today
  assert.equal((await units('KTTH.U_SO', 'period=2026-10&bogus=1')).status, 400);
  assert.equal((await units('KTTH.U_SO', 'format=ods')).status, 400);
  assert.equal((await new Client(srv.url).get('/api/v1/indicators/KTTH.U_SO/values/units')).status, 401);
});

test('CSV and XLSX: one row per commune, numbers exact', async () => {
  let r = await units('KTTH.U_TL', 'period=2026-10&format=csv');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const lines = r.text.trim().split(/\r?\n/);
  assert.equal(lines[0], 'code,name,period,value,num,den,approximate,reason,light');
  assert.equal(lines.length, communes.length + 1);
  assert.ok(lines[10].startsWith(`${communes[9]},`), lines[10]);
  assert.match(lines[10], /,2026-10,22\.5,9,40,false,,red$/);
  assert.match(lines[51], /,2026-10,,,,false,no input,none$/);
  r = await admin.req('GET', '/api/v1/indicators/KTTH.U_TL/values/units?period=2026-10&format=xlsx', { raw: true });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition'), /filename="KTTH\.U_TL-2026-10\.xlsx"/);
  assert.ok(r.text.startsWith('PK\x03\x04'));
});
