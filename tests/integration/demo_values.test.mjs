// The demo's synthetic indicator values (src/seed/indvalues_demo.c, docs/indicators.md "Demo
// values") through iocd: seeded with demo.indicator_values on (the other tests turn it off) and
// a fixed demo today, the province answers every one of 36 months, a month before 2025-07 at
// one of today's communes comes from its old wards through the succession links, the late
// agencies have nothing for their latest periods, and the two seeded targets have values.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IOCD, DEMO_ENV, tempDir, startServer, Client, iocctl } from './lib.mjs';

const TODAY = '2026-11-15'; // so the last complete month is 2026-10, the first 2023-11
let srv, c, seedMs, seedLog;

before(async () => {
  const data = tempDir();
  const t0 = Date.now();
  const r = spawnSync(IOCD, ['--data', data, '--seed-only'], {
    env: { ...process.env, IOC_LOG_LEVEL: 'info', ...DEMO_ENV, IOC_DEMO_INDICATOR_VALUES: 'true',
      IOC_DEMO_VALUES_TODAY: TODAY },
    timeout: 120000, encoding: 'utf8',
  });
  seedMs = Date.now() - t0;
  assert.equal(r.status, 0, r.stderr);
  seedLog = r.stderr + r.stdout;
  srv = await startServer({ data, demo: true });
  c = new Client(srv.url);
  assert.equal((await c.login('leader')).status, 200);
});
after(async () => { await srv?.stop(); });

const vals = async (code, q) => {
  const r = await c.get(`/api/v1/indicators/${code}/values?${q}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.values;
};

test('the seed says how many values it wrote, and when they end', () => {
  const m = seedLog.match(/demo indicator values: (\d+) values of (\d+) indicators up to (\S+) in (\d+) ms/);
  assert.ok(m, seedLog.slice(-2000));
  assert.ok(Number(m[1]) > 2000000, m[0]);
  assert.ok(Number(m[2]) > 1090, m[0]); // every indicator neither derived nor computed (1,097)
  assert.equal(m[3], TODAY);
  console.log(`# ${m[0]}; whole seed ${seedMs} ms`);
});

test('the province answers every one of the 36 months, in either geography', async () => {
  for (const q of ['', '&at=2026-11-01']) {
    const v = await vals('CCHC.TL_HS_TOANTRINH', `from=2023-11&to=2026-10${q}`);
    assert.equal(v.length, 36);
    assert.equal(v[0].period, '2023-11');
    assert.equal(v[35].period, '2026-10');
    for (const p of v) {
      assert.equal(typeof p.value, 'number', `${p.period}${q}: ${p.reason}`);
      assert.ok(p.value > 15 && p.value < 45, `${p.period}: ${p.value}`);
      assert.ok(p.den > p.num && p.num > 0);
      assert.notEqual(p.light, 'none');
    }
  }
  // today's geography counts Bình Phước's old communes too (province 70 before 2025-07)
  const [old] = await vals('CCHC.TL_HS_TOANTRINH', 'from=2024-03&to=2024-03');
  const [now] = await vals('CCHC.TL_HS_TOANTRINH', 'from=2024-03&to=2024-03&at=2026-11-01');
  assert.ok(old.inputs >= 156 && old.inputs < now.inputs, `${old.inputs} ${now.inputs}`);
  assert.ok(now.inputs > 260, String(now.inputs));
  const [after] = await vals('CCHC.TL_HS_TOANTRINH', 'from=2026-10&to=2026-10');
  assert.equal(after.inputs, 95);
});

test('a month before 2025-07 at a commune of today comes from its old wards', async () => {
  // Phường Biên Hoà (26068) was formed from four old wards on 2025-07-01
  const [p] = await vals('CCHC.TL_HS_TOANTRINH', 'unit=26068&at=2026-01-01&from=2024-03&to=2024-03');
  assert.equal(p.inputs, 4);
  assert.equal(p.approximate, false);
  let num = 0, den = 0;
  for (const code of ['26053', '26059', '26062', '26068']) {
    const [o] = await vals('CCHC.TL_HS_TOANTRINH', `unit=${code}&from=2024-03&to=2024-03`);
    assert.equal(o.inputs, 1);
    num += o.num; den += o.den;
  }
  assert.deepEqual([p.num, p.den], [num, den]);
  assert.ok(Math.abs(p.value - (100 * num) / den) < 1e-9);
});

test('iocctl indicators history: the whole pre-2025 history in today\'s communes, each row as the API gives it', async () => {
  const out = path.join(tempDir(), 'history.csv');
  const r = iocctl(srv.data, ['indicators', 'history', '--at', '2026-01-01', '--to', '2025-06', out]);
  assert.equal(r.status, 0, r.stderr);
  const m = r.stderr.match(/(\d+) stored values read, (\d+) values in ([\d.]+) s/);
  assert.ok(m, r.stderr);
  assert.ok(Number(m[1]) > 500000 && Number(m[2]) > 100000, m[0]);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'indicator,unit,period,value,num,den,approximate,inputs');
  assert.equal(lines.length - 1, Number(m[2]));
  const rows = lines.slice(1).map((l) => l.split(','));
  const start = (t) => t.replace(/-Q(\d)$/, (_, q) => `-${String(3 * q - 2).padStart(2, '0')}`);
  const late = rows.find((x) => start(x[2]) >= '2025-07');
  assert.equal(late, undefined, 'nothing after --to');
  // Phường Biên Hoà in March 2024: the four old wards, as the previous test reads them
  const bh = rows.find((x) => x[0] === 'CCHC.TL_HS_TOANTRINH' && x[1] === '26068' && x[2] === '2024-03');
  assert.ok(bh);
  const [p] = await vals('CCHC.TL_HS_TOANTRINH', 'unit=26068&at=2026-01-01&from=2024-03&to=2024-03');
  assert.deepEqual([Number(bh[4]), Number(bh[5]), bh[6], Number(bh[7])], [p.num, p.den, String(p.approximate), p.inputs]);
  assert.ok(Math.abs(Number(bh[3]) - p.value) < 1e-9, `${bh[3]} vs ${p.value}`); // the API rounds to 10 decimals
  // and a spread of other rows, each equal to the per-commune read in that geography
  for (let i = 1; i < rows.length; i += Math.floor(rows.length / 12)) {
    const [code, unit, period, value, , , approx, inputs] = rows[i];
    const [q] = await vals(code, `unit=${unit}&at=2026-01-01&from=${period}&to=${period}`);
    assert.ok(Math.abs(q.value - Number(value)) <= 1e-9 * Math.max(1, Math.abs(q.value)), `${rows[i]} vs ${q.value}`);
    assert.equal(q.inputs, Number(inputs), rows[i].join(','));
    assert.equal(String(q.approximate), approx);
  }
});

test('the late agencies have nothing for their latest periods', async () => {
  // SO-TP: one month late; SO-VHTTDL: two years; others on time
  const tp = await vals('CCHC.HS_HT', 'from=2026-09&to=2026-10');
  assert.equal(typeof tp[0].value, 'number');
  assert.deepEqual([tp[1].value, tp[1].reason], [null, 'no input']);
  const vh = await vals('VHTT.DT_QG', 'from=2023&to=2025&at=2026-11-01');
  assert.deepEqual(vh.map((p) => p.value === null), [false, true, true]);
  const ok = await vals('CCHC.TL_HS_TOANTRINH', 'from=2026-10&to=2026-10');
  assert.equal(typeof ok[0].value, 'number');
});

test('the seeded targets (40 %, 30 %) have values, some communes red and some green', async () => {
  const q = await vals('CCHC.TL_DVCTT_NDDN', 'from=2023-Q4&to=2026-Q3&at=2026-11-01');
  assert.equal(q.length, 12);
  for (const p of q) assert.ok(p.value > 30 && p.value < 50, `${p.period}: ${p.value}`);
  const lights = new Set();
  const units = (await c.get('/api/v1/units?level=commune&limit=40')).body.units;
  for (const u of units.slice(0, 40)) {
    const [p] = await vals('CCHC.TL_HS_TOANTRINH', `unit=${u.code}&from=2026-10&to=2026-10`);
    lights.add(p.light);
  }
  assert.ok(lights.has('green') && lights.has('red'), [...lights].join());
});

test('values are imported by demo, revision 1', async () => {
  const r = await c.get('/api/v1/indicators/CCHC.TL_HS_TOANTRINH/values/26068/2026-10/revisions');
  assert.equal(r.status, 200);
  const [v] = r.body.revisions ?? r.body.values;
  assert.deepEqual([v.revision, v.source, v.who], [1, 'imported', 'demo']);
  assert.ok(v.at < '2026-11-15');
});

// The catalogue's derived shares ("100 * A / B") are believable at the province: A is made a
// part of B about the share's target (60 % of the dossiers received are online), and a sum's
// target is the province's (TMDV.BANLE, 30,000 tỷ đồng a month, is the province's retail sales,
// not each commune's).
test('derived shares stay within 0-100 % near their targets; a sum meets its target at the province', async () => {
  const online = await vals('CCHC.TL_TRUCTUYEN', 'from=2026-06&to=2026-10');
  for (const v of online) {
    assert.ok(v.value > 0 && v.value <= 100, JSON.stringify(v));
    assert.ok(Math.abs(v.value - 60) < 15, JSON.stringify(v));
  }
  const farm = await vals('LDVL.TTR_LD_NN', 'from=2025&to=2025'); // target 15 % of the employed
  assert.ok(farm[0].value > 10 && farm[0].value < 20, JSON.stringify(farm));
  const urban = await vals('XDDT.TL_DTH', 'from=2025&to=2025'); // target 50 %
  assert.ok(urban[0].value > 35 && urban[0].value < 65, JSON.stringify(urban));
  const beds = await vals('YT.GIUONG_VAN', 'from=2025&to=2025'); // per 10,000 people, target 32
  assert.ok(beds[0].value > 20 && beds[0].value < 45, JSON.stringify(beds));
  // a density is no part of a whole: people per km² are drawn on their own
  const density = await vals('DC.MATDO', 'from=2025&to=2025');
  assert.ok(density[0].value > 0, JSON.stringify(density));
  const retail = await vals('TMDV.BANLE', 'from=2026-10&to=2026-10');
  assert.ok(retail[0].value > 20000 && retail[0].value < 40000, JSON.stringify(retail));
});
