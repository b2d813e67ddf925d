// The overview and the freshness table over HTTP: values posted by an agency's staff, then the
// overview of a commune and of the province (a ratio's province value is Σnum/Σden, the change
// from the previous period and its direction by polarity, target and light), CSV and XLSX
// answers, and the "who is late" table with each status reached (submitted, late, missing,
// due), staff of another agency refused or filtered. Indicators and agencies are made for the
// test (synthetic).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { startDemo, Client } from './lib.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let srv, admin, staff, other, leader;
let communes; // every commune of the province in force today
let A, B;
const base = (over) => ({
  domain: 'KTTH', name_vi: 'Chỉ tiêu thử tổng quan (dữ liệu mẫu)', name_en: 'Overview test indicator (demo data)',
  unit: 'hồ sơ', frequency: 'month', aggregation: 'sum', polarity: 'higher', agency: 'TEST-OV',
  source: 'entered', deadline: '+5d', ...over,
});

// The text of one member of a zip (stored or deflated), for the XLSX answers.
function zipMember(buf, name) {
  for (let i = 0; i + 30 < buf.length; i++) {
    if (buf.readUInt32LE(i) !== 0x04034b50) continue;
    const method = buf.readUInt16LE(i + 8), size = buf.readUInt32LE(i + 18);
    const nlen = buf.readUInt16LE(i + 26), xlen = buf.readUInt16LE(i + 28);
    const n = buf.subarray(i + 30, i + 30 + nlen).toString('utf8');
    const start = i + 30 + nlen + xlen;
    if (n !== name) continue;
    const data = buf.subarray(start, start + size);
    return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
  }
  return null;
}

const post = async (who, code, values) => {
  const r = await who.post(`/api/v1/indicators/${code}/values`, { values });
  assert.equal(r.status, 200, `${code}: ${JSON.stringify(r.body)}`);
};

before(async () => {
  srv = await startDemo();
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  leader = new Client(srv.url);
  assert.equal((await leader.login('leader')).status, 200);
  const u = await admin.get('/api/v1/units?level=commune&parent=75&limit=500');
  assert.equal(u.status, 200, JSON.stringify(u.body));
  communes = u.body.units.map((x) => x.code);
  assert.ok(communes.length > 10);
  [A, B] = communes;
  // TEST-OV covers the whole province (through UBND-75); TEST-OTHER is another agency
  for (const [code, extra] of [['TEST-OV', { parent_code: 'UBND-75' }], ['TEST-OTHER', {}]]) {
    const r = await admin.post('/api/v1/agencies', { code, name: `Cơ quan ${code} (dữ liệu mẫu)`, ...extra });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  for (const [username, agency_code] of [['staffov', 'TEST-OV'], ['staffother', 'TEST-OTHER']]) {
    const r = await admin.post('/api/v1/users', { username, role: 'staff', agency_code, password: `${username}-pass-123` });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  staff = new Client(srv.url);
  assert.equal((await staff.login('staffov', 'staffov-pass-123')).status, 200);
  other = new Client(srv.url);
  assert.equal((await other.login('staffother', 'staffother-pass-123')).status, 200);
  const inds = {
    // +999d: the deadline of 2026-10 is years away (submitted, due); +5d: passed (late, missing)
    'KTTH.OV_TL': base({ unit: '%', aggregation: 'ratio', scale: '100', target: '80', deadline: '+999d' }),
    'KTTH.OV_LOW': base({ polarity: 'lower', target: '10', deadline: '+999d' }),
    'KTTH.OV_LATE': base({}),
    'KTTH.OV_MISS': base({}),
    'KTTH.OV_OWN': base({ deadline: '+999d' }),
    'KTTH.OV_DER': base({ unit: '%', aggregation: 'ratio', scale: '100', source: 'derived', deadline: '', expression: '100 * KTTH.OV_LATE / KTTH.OV_LOW' }),
  };
  for (const [code, body] of Object.entries(inds)) {
    const r = await admin.put(`/api/v1/indicators/${code}`, body);
    assert.equal(r.status, 200, `${code}: ${JSON.stringify(r.body)}`);
  }
  // KTTH.OV_TL: every commune in 2026-09 and 2026-10; A 1/2 then 3/4, B 90/100 both months, the
  // others 1/1
  const tl = (p, a) => communes.map((c) => ({
    unit: c, period: p, ...(c === A ? a : c === B ? { num: 90, den: 100 } : { num: 1, den: 1 }),
  }));
  await post(staff, 'KTTH.OV_TL', [...tl('2026-09', { num: 1, den: 2 }), ...tl('2026-10', { num: 3, den: 4 })]);
  // KTTH.OV_LOW (lower is better): only A and B, 20 → 12 in A: fewer is better; not every commune: due
  await post(staff, 'KTTH.OV_LOW', [{ unit: A, period: '2026-09', value: 20 }, { unit: A, period: '2026-10', value: 12 },
    { unit: B, period: '2026-10', value: 3 }]);
  // KTTH.OV_LATE: every commune, after its deadline (2026-11-05): late
  await post(admin, 'KTTH.OV_LATE', communes.map((c) => ({ unit: c, period: '2026-10', value: 2 })));
  // KTTH.OV_MISS: one commune only, deadline passed: missing
  await post(staff, 'KTTH.OV_MISS', [{ unit: A, period: '2026-10', value: 1 }]);
  // KTTH.OV_OWN: the province's own figure stands for the whole: submitted
  await post(staff, 'KTTH.OV_OWN', [{ unit: '75', period: '2026-10', value: 7 }]);
});
after(async () => { await srv?.stop(); });

const line = (r, code) => {
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const x = r.body.indicators.find((i) => i.code === code);
  assert.ok(x, `${code} in the overview`);
  return x;
};

test('overview of a commune: value, previous, change and its direction by polarity, light', async () => {
  const r = await leader.get(`/api/v1/overview?unit=${A}&period=2026-10&domain=KTTH`);
  assert.equal(r.body.unit, A);
  assert.equal(r.body.period, '2026-10');
  assert.ok(r.body.indicators.every((i) => i.domain === 'KTTH'));
  const tl = line(r, 'KTTH.OV_TL');
  assert.deepEqual([tl.period, tl.previous_period, tl.value, tl.previous], ['2026-10', '2026-09', 75, 50]);
  assert.deepEqual([tl.change, tl.change_pct, tl.direction, tl.target, tl.light], [25, 50, 'better', 80, 'red']);
  const low = line(r, 'KTTH.OV_LOW');
  assert.deepEqual([low.value, low.previous, low.change, low.direction, low.light], [12, 20, -8, 'better', 'red']);
  const miss = line(r, 'KTTH.OV_MISS');
  assert.deepEqual([miss.value, miss.previous, miss.direction, miss.reason], [1, null, 'none', undefined]);
  const der = line(r, 'KTTH.OV_DER');
  assert.ok(Math.abs(der.value - (100 * 2) / 12) < 1e-9, String(der.value));
  assert.equal(der.derived, true);
  const none = line(await leader.get(`/api/v1/overview?unit=${B}&period=2026-10`), 'KTTH.OV_MISS');
  assert.deepEqual([none.value, none.reason, none.light], [null, 'no input', 'none']);
});

test('overview of the province: a ratio is Σnum/Σden; a quarter asked reads a month at its last month', async () => {
  const r = await admin.get('/api/v1/overview?period=2026-10');
  assert.equal(r.body.unit, '75');
  assert.ok(r.body.count > 1000, String(r.body.count));
  const k = communes.length - 2;
  const tl = line(r, 'KTTH.OV_TL');
  const num = 3 + 90 + k, den = 4 + 100 + k;
  assert.ok(Math.abs(tl.value - (100 * num) / den) < 1e-9, String(tl.value));
  assert.deepEqual([tl.num, tl.den, tl.inputs], [num, den, communes.length]);
  const prev = (100 * (1 + 90 + k)) / (2 + 100 + k);
  assert.ok(Math.abs(tl.previous - prev) < 1e-9);
  assert.equal(tl.direction, 'better');
  // lower is better: 20 (A) then 12 + 3 (A and B)
  assert.deepEqual([line(r, 'KTTH.OV_LOW').value, line(r, 'KTTH.OV_LOW').direction], [15, 'better']);
  assert.equal(line(r, 'KTTH.OV_OWN').value, 7);
  const der = line(r, 'KTTH.OV_DER');
  assert.ok(Math.abs(der.value - (100 * 2 * communes.length) / 15) < 1e-6, String(der.value));
  const q = line(await admin.get('/api/v1/overview?period=2026-Q4'), 'KTTH.OV_TL');
  assert.equal(q.period, '2026-12');
  assert.equal(q.value, null);
});

test('overview as CSV and XLSX', async () => {
  const get = (q) => fetch(`${srv.url}/api/v1/overview?${q}`, { headers: { cookie: admin.cookie } });
  let res = await get(`unit=${A}&period=2026-10&domain=KTTH&format=csv`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="overview.csv"');
  const csv = await res.text();
  const lines = csv.trim().split(/\r?\n/);
  assert.match(lines[0], /^code,domain,name_vi,name_en,unit,frequency,period,value,previous_period,previous,change,change_pct,direction,target,light,approximate,reason$/);
  const row = lines.find((l) => l.startsWith('KTTH.OV_TL,'));
  assert.ok(row, csv.slice(0, 500));
  assert.match(row, /,month,2026-10,75,2026-09,50,25,50,better,80,red,false,$/);
  res = await get(`unit=${A}&period=2026-10&domain=KTTH&format=xlsx`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), XLSX);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  const strings = zipMember(bytes, 'xl/sharedStrings.xml');
  assert.ok(strings && strings.includes('KTTH.OV_TL') && strings.includes('better'));
  assert.equal((await get('format=pdf')).status, 400);
});

test('overview: bad parameters', async () => {
  assert.equal((await admin.get('/api/v1/overview?period=2026-13')).status, 400);
  assert.equal((await admin.get('/api/v1/overview?unit=nowhere')).status, 404);
  assert.equal((await admin.get('/api/v1/overview?domain=NOPE')).status, 404);
  assert.equal((await admin.get('/api/v1/overview?colour=red')).status, 400);
  assert.equal((await new Client(srv.url).get('/api/v1/overview')).status, 401);
});

const statusOf = (r) => Object.fromEntries(r.body.indicators.map((i) => [i.code, i]));

test('freshness: submitted, late, missing and due, with the counts and the per-agency summary', async () => {
  const r = await admin.get('/api/v1/freshness?agency=TEST-OV&period=2026-10');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.agency, 'TEST-OV');
  const s = statusOf(r);
  const n = communes.length;
  assert.deepEqual(Object.keys(s).sort(), ['KTTH.OV_LATE', 'KTTH.OV_LOW', 'KTTH.OV_MISS', 'KTTH.OV_OWN', 'KTTH.OV_TL'], 'derived ones are left out');
  const f = (c) => [s[c].status, s[c].expected, s[c].stored, s[c].on_time];
  assert.deepEqual(f('KTTH.OV_TL'), ['submitted', n, n, n]);
  assert.deepEqual(f('KTTH.OV_LATE'), ['late', n, n, 0]);
  assert.deepEqual(f('KTTH.OV_MISS'), ['missing', n, 1, 0]);
  assert.deepEqual(f('KTTH.OV_LOW'), ['due', n, 2, 2]);
  assert.deepEqual(f('KTTH.OV_OWN'), ['submitted', 1, 1, 1]);
  assert.equal(s['KTTH.OV_LATE'].due, '2026-11-05T17:00:00.000Z');
  assert.equal(s['KTTH.OV_LATE'].unit, '75', 'the unit TEST-OV covers, through UBND-75');
  assert.deepEqual(r.body.agencies, [{ agency: 'TEST-OV', submitted: 2, late: 1, missing: 1, due: 1, total: 5 }]);
  // every agency: the demo's agencies too, each with its counts
  const all = await leader.get('/api/v1/freshness?period=2026-10');
  assert.equal(all.status, 200);
  assert.ok(all.body.agencies.length > 1);
  assert.ok(all.body.agencies.some((a) => a.agency === 'TEST-OV' && a.late === 1));
});

test('freshness: staff see their own agency only; another agency is refused', async () => {
  let r = await staff.get('/api/v1/freshness?period=2026-10');
  assert.equal(r.status, 200);
  assert.equal(r.body.agency, 'TEST-OV');
  assert.equal(r.body.count, 5);
  r = await other.get('/api/v1/freshness?period=2026-10');
  assert.equal(r.status, 200);
  assert.deepEqual([r.body.agency, r.body.count], ['TEST-OTHER', 0]);
  r = await other.get('/api/v1/freshness?agency=TEST-OV');
  assert.equal(r.status, 403);
  assert.equal((await admin.get('/api/v1/freshness?agency=NOPE')).status, 404);
});

test('freshness as CSV and XLSX', async () => {
  const get = (q) => fetch(`${srv.url}/api/v1/freshness?${q}`, { headers: { cookie: admin.cookie } });
  let res = await get('agency=TEST-OV&period=2026-10&format=csv');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  const lines = (await res.text()).trim().split(/\r?\n/);
  assert.equal(lines[0], 'code,name_vi,agency,frequency,period,deadline,due,unit,expected,stored,on_time,status');
  assert.equal(lines.length, 6);
  assert.ok(lines.some((l) => l.startsWith('KTTH.OV_MISS,') && l.endsWith(`,${communes.length},1,0,missing`)), lines.join('\n'));
  res = await get('agency=TEST-OV&period=2026-10&format=xlsx');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), XLSX);
  const strings = zipMember(Buffer.from(await res.arrayBuffer()), 'xl/sharedStrings.xml');
  assert.ok(strings && strings.includes('KTTH.OV_LATE') && strings.includes('late'));
});
