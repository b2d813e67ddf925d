// The demo's synthetic sensors (src/telemetry/demo.c) through iocd: `iocd --demo` with
// demo.sensors on (the other integration tests turn it off) has the air, water-level, noise and
// water-quality stations of the station registry (data/environment/stations.csv: 15 air, 6
// water, 1 noise, 1 water quality) plus the generator's
// 30 traffic and 10 power stations, tagged synthetic=true over the real communes, a year of
// hourly history (and its AQI, with the episode), and fresh points every 10 s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, Client } from './lib.mjs';

let srv, c;

before(async () => {
  srv = await startDemo({ env: { IOC_DEMO_SENSORS: 'true' } });
  c = new Client(srv.url);
  assert.equal((await c.login('operator')).status, 200);
});
after(async () => { await srv?.stop(); });

async function waitFor(fn, ms = 60000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((res) => setTimeout(res, 200));
  }
}

test('the registry\'s air, water, noise and water-quality stations and the generator\'s others, over the communes', async () => {
  const stations = (await c.get('/api/v1/stations')).body.stations;
  const air = stations.filter((s) => s.kind === 'air');
  const water = stations.filter((s) => s.kind === 'water_level');
  const noise = stations.filter((s) => s.kind === 'noise');
  const wq = stations.filter((s) => s.kind === 'water_quality');
  assert.deepEqual([air.length, water.length, noise.length, wq.length], [15, 6, 1, 1]);
  const want = air.length * 7 + water.length + noise.length + wq.length * 3 + 40;
  const series = await waitFor(async () => {
    const r = await c.get('/api/v1/series');
    return r.status === 200 && r.body.series.length >= want && r.body.series;
  });
  const demo = series.filter((s) => s.tags.synthetic === 'true' && !['aqi', 'aqi_daily'].includes(s.measurement));
  assert.equal(demo.length, want);
  const count = (m, f) => demo.filter((s) => s.measurement === m && s.field === f).length;
  assert.deepEqual(
    ['pm25', 'pm10', 'no2', 'so2', 'co', 'o3', 'temperature'].map((f) => count('air', f)),
    [15, 15, 15, 15, 15, 15, 15]);
  assert.deepEqual([count('water', 'level'), count('traffic', 'vehicles'), count('power', 'load_mw')],
    [6, 30, 10]);
  assert.deepEqual(['laeq', 'ph', 'do', 'tss'].map((f) => count(f === 'laeq' ? 'noise' : 'water_quality', f)), [1, 1, 1, 1]);
  // each registry station's readings carry its code and commune
  for (const s of [...air, ...water, ...noise, ...wq]) {
    const m = demo.find((x) => x.tags.station === s.code);
    assert.ok(m, s.code);
    assert.equal(m.tags.commune, s.commune);
  }
  assert.ok(new Set(demo.map((s) => s.tags.commune)).size >= 30);
  assert.ok(demo.some((s) => s.tags.commune_name.normalize('NFC') === 'Biên Hoà' && s.tags.commune === '26068'));
  for (const s of demo) assert.match(s.tags.station, /^(AQ|WL|NO|WQ|TC|PW)-[A-Z0-9]+$/);
});

test('a year of daily means, and traffic peaks at 7:00 over 3:00 (Hanoi time)', async () => {
  const now = Date.now();
  const year = await waitFor(async () => {
    const r = await c.get(`/api/v1/query?measurement=traffic&field=vehicles&start=${Math.floor(now / 1000) - 365 * 86400}&step=1d`);
    return r.status === 200 && r.body.series[0]?.points.filter((p) => p[1] !== null).length >= 360 && r.body;
  });
  assert.equal(year.step_ms, 86400000);
  // hourly means of the last two days (the backfill writes oldest first: wait for its end)
  const r = await waitFor(async () => {
    const q = await c.get(`/api/v1/query?measurement=traffic&field=vehicles&start=${Math.floor(now / 3600000) * 3600 - 2 * 86400}&step=1h`);
    assert.equal(q.status, 200);
    return q.body.series[0]?.points.filter((p) => p[1] !== null).length >= 48 && q;
  });
  const byHour = new Map();
  for (const [t, v] of r.body.series[0].points) {
    if (v === null) continue;
    const h = new Date(t + 7 * 3600000).getUTCHours();
    byHour.set(h, [...(byHour.get(h) || []), v]);
  }
  const mean = (h) => byHour.get(h).reduce((a, b) => a + b, 0) / byHour.get(h).length;
  assert.ok(mean(7) > 3 * mean(3), `7:00 ${mean(7)} vs 3:00 ${mean(3)}`);
});

test('a year of hourly air quality, with a pollution episode in the last 10 days, and its AQI', async () => {
  const now = Date.now();
  const start = Math.floor(now / 3600000) * 3600 - 364 * 86400;
  const r = await waitFor(async () => {
    const q = await c.get(`/api/v1/query?measurement=air&field=pm25&tag.station=AQ-BH1&start=${start}&step=1h&agg=count`);
    assert.equal(q.status, 200);
    return q.body.series[0]?.points.filter((p) => p[1] > 0).length >= 364 * 24 - 2 && q;
  });
  // one point an hour (before the last 2 days, which are finer)
  const old = r.body.series[0].points.filter((p) => p[0] < now - 3 * 86400000 && p[1] !== null);
  assert.ok(old.every((p) => p[1] === 1), 'hourly');
  const max = await c.get(`/api/v1/query?measurement=air&field=pm25&tag.station=AQ-BH1&start=${Math.floor(now / 1000) - 10 * 86400}&step=1d&agg=max`);
  assert.equal(max.status, 200);
  assert.ok(max.body.series[0].points.some((p) => p[1] > 150), 'PM2.5 above 150 on some day');
  // the engine's daily AQI of those days: the episode is "Xấu" or worse (PM2.5 150 → AQI 200)
  const from = new Date(now + 7 * 3600000 - 10 * 86400000).toISOString().slice(0, 10);
  const days = await waitFor(async () => {
    const q = await c.get(`/api/v1/aqi/AQ-BH1/daily?from=${from}`);
    assert.equal(q.status, 200);
    return q.body.days.some((d) => d.aqi > 150) && q.body.days;
  });
  assert.ok(days.some((d) => d.aqi > 150 && ['Xấu', 'Rất xấu', 'Nguy hại'].includes(d.class_vi)));
  const series = await waitFor(async () => {
    const q = await c.get(`/api/v1/query?measurement=aqi_daily&field=aqi&tag.station=AQ-BH1&start=${Math.floor(now / 1000) - 10 * 86400}&step=1d&agg=last`);
    return q.status === 200 && q.body.series[0]?.points.some((p) => p[1] > 150) && q;
  });
  assert.ok(series);
});

test('fresh points arrive every 10 s', async () => {
  const latest = async () => {
    const r = await c.get('/api/v1/latest?measurement=power&field=load_mw&tag.station=PW-01');
    assert.equal(r.status, 200);
    return r.body.series[0]?.time || 0;
  };
  // the backfill (slow under the sanitizers) ends with the last minutes; then the live points
  const first = await waitFor(async () => { const t = await latest(); return Date.now() - t < 12000 && t; }, 120000);
  const next = await waitFor(async () => { const t = await latest(); return t > first && t; }, 25000);
  const third = await waitFor(async () => { const t = await latest(); return t > next && t; }, 25000);
  assert.equal(third - next, 10000, 'live points are 10 s apart');
  assert.equal(third % 10000, 0, 'at multiples of 10 s');
});
