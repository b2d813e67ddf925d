// The roll-up cache (src/indicators/cache.c): a roll-up asked again is answered from memory
// (the hit counter in /metrics moves, the answer is the same), and every way the stored values
// or what a roll-up reads can change is seen at the next read — a value posted or revised
// through the API, a file imported by iocctl (another process, writing the SQLite file while
// iocd runs), a catalogue change (the scale of a ratio) — in the values route and the overview.
// Values of the synthetic demo catalogue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startDemo, Client, iocctl, tempDir } from './lib.mjs';

let srv, admin, dir, A, B, C;
const PERIOD = '2026-05';

const province = async (code) => {
  const r = await admin.get(`/api/v1/indicators/${code}/values?unit=75&from=${PERIOD}&to=${PERIOD}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.values[0].value;
};
const overview = async (code) => {
  const r = await admin.get(`/api/v1/overview?unit=75&period=${PERIOD}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const line = r.body.indicators.find((x) => x.code === code);
  assert.ok(line, `${code} in the overview`);
  return line.value;
};
const counter = async (name) => {
  const r = await admin.get('/metrics');
  assert.equal(r.status, 200);
  const m = r.text.match(new RegExp(`^${name} (\\d+)$`, 'm'));
  assert.ok(m, name);
  return Number(m[1]);
};
const post = async (code, values) => {
  const r = await admin.post(`/api/v1/indicators/${code}/values`, { values });
  assert.equal(r.status, 200, JSON.stringify(r.body));
};

before(async () => {
  srv = await startDemo({ waitIndex: false });
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  const u = await admin.get('/api/v1/units?level=commune&parent=75&limit=3');
  [A, B, C] = u.body.units.map((x) => x.code);
  assert.ok(A && B && C);
  dir = tempDir('ioc-indicator-cache-');
});
after(async () => {
  await srv?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the province overview is read once at start: the first one asked comes from the cache', async () => {
  // the start-up reader (src/api/api.c warm) misses once per roll-up, then rests
  let misses = 0;
  const end = Date.now() + 60000;
  for (;;) {
    const m = await counter('ioc_indicators_cache_misses_total');
    if (m > 0 && m === misses) break;
    misses = m;
    assert.ok(Date.now() < end, 'the start-up overview did not finish in 60 s');
    await new Promise((res) => setTimeout(res, 500));
  }
  const hits = await counter('ioc_indicators_cache_hits_total');
  const r = await admin.get('/api/v1/overview');
  assert.equal(r.status, 200);
  assert.ok(r.body.count > 1000, `${r.body.count} lines`);
  assert.equal(await counter('ioc_indicators_cache_misses_total'), misses, 'no roll-up read again');
  assert.ok((await counter('ioc_indicators_cache_hits_total')) >= hits + 1000);
});

test('a roll-up asked again comes from the cache; a value posted or revised is seen at once', async () => {
  await post('NN.O_ASF', [{ unit: A, period: PERIOD, value: 10 }]);
  assert.equal(await province('NN.O_ASF'), 10);
  const hits = await counter('ioc_indicators_cache_hits_total');
  assert.equal(await province('NN.O_ASF'), 10);
  assert.ok((await counter('ioc_indicators_cache_hits_total')) > hits, 'the second read is a hit');
  assert.equal(await overview('NN.O_ASF'), 10);
  const hits2 = await counter('ioc_indicators_cache_hits_total');
  assert.equal(await overview('NN.O_ASF'), 10);
  assert.ok((await counter('ioc_indicators_cache_hits_total')) >= hits2 + 1000,
    'the overview asked again reads its lines from the cache');
  await post('NN.O_ASF', [{ unit: A, period: PERIOD, value: 15 }, { unit: B, period: PERIOD, value: 1 }]);
  assert.equal(await province('NN.O_ASF'), 16);
  assert.equal(await overview('NN.O_ASF'), 16);
});

test('a file imported by iocctl while iocd runs (another process) is seen at the next read', async () => {
  assert.equal(await province('NN.O_ASF'), 16);
  assert.equal(await overview('NN.O_ASF'), 16);
  const p = path.join(dir, 'more.csv');
  writeFileSync(p, `indicator,unit,period,value\nNN.O_ASF,${C},${PERIOD},4\nNN.O_ASF,${A},${PERIOD},5\n`);
  const r = iocctl(srv.data, ['import', 'values', p]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(await province('NN.O_ASF'), 10);
  assert.equal(await overview('NN.O_ASF'), 10);
});

test('a ratio and a derived indicator over it follow a change of their inputs and of the catalogue', async () => {
  const code = 'CCHC.TL_HS_TOANTRINH';
  await post(code, [{ unit: A, period: PERIOD, num: 30, den: 120 }, { unit: B, period: PERIOD, num: 10, den: 80 }]);
  assert.equal(await province(code), 20); // 40 / 200, as a percentage
  assert.equal(await overview(code), 20);
  // the catalogue: the same indicator with another scale (per mille) through the API
  const g = await admin.get(`/api/v1/indicators/${code}`);
  assert.equal(g.status, 200);
  const doc = { ...g.body };
  for (const k of ['id', 'revision', 'updated_at', 'updated_by']) delete doc[k];
  doc.scale = '1000';
  const put = await admin.put(`/api/v1/indicators/${code}`, doc);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(await province(code), 200);
  assert.equal(await overview(code), 200);
  await post(code, [{ unit: B, period: PERIOD, num: 50, den: 80 }]);
  assert.equal(await province(code), 400); // 80 / 200 per mille
  assert.equal(await overview(code), 400);
});
