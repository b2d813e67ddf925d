// The demo's synthetic sensors (src/telemetry/demo.c) through iocd: `iocd --demo` with
// demo.sensors on (the other integration tests turn it off) has the 340 series of its built-in
// plan (iocd gives no stations yet) tagged synthetic=true over the real communes, a year of
// hourly history, and fresh points every 10 s.
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

test('340 synthetic series over the communes, Biên Hoà among them', async () => {
  const series = await waitFor(async () => {
    const r = await c.get('/api/v1/series');
    return r.status === 200 && r.body.series.length >= 340 && r.body.series;
  });
  const demo = series.filter((s) => s.tags.synthetic === 'true');
  assert.equal(demo.length, 340);
  const count = (m, f) => demo.filter((s) => s.measurement === m && s.field === f).length;
  assert.deepEqual(
    ['pm25', 'pm10', 'no2', 'so2', 'co', 'o3', 'temperature'].map((f) => count('air', f)),
    [40, 40, 40, 40, 40, 40, 40]);
  assert.deepEqual([count('water', 'level'), count('traffic', 'vehicles'), count('power', 'load_mw')],
    [20, 30, 10]);
  assert.equal(new Set(demo.map((s) => s.tags.commune)).size, 95);
  assert.ok(demo.some((s) => s.tags.commune_name.normalize('NFC') === 'Biên Hoà' && s.tags.commune === '26068'));
  for (const s of demo) assert.match(s.tags.station, /^(AQ|WL|TC|PW)-\d\d$/);
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

test('a year of hourly air quality, with a pollution episode in the last 10 days', async () => {
  const now = Date.now();
  const start = Math.floor(now / 3600000) * 3600 - 364 * 86400;
  const r = await waitFor(async () => {
    const q = await c.get(`/api/v1/query?measurement=air&field=pm25&tag.station=AQ-01&start=${start}&step=1h&agg=count`);
    assert.equal(q.status, 200);
    return q.body.series[0]?.points.filter((p) => p[1] > 0).length >= 364 * 24 - 2 && q;
  });
  // one point an hour (before the last 2 days, which are finer)
  const old = r.body.series[0].points.filter((p) => p[0] < now - 3 * 86400000 && p[1] !== null);
  assert.ok(old.every((p) => p[1] === 1), 'hourly');
  const max = await c.get(`/api/v1/query?measurement=air&field=pm25&tag.station=AQ-01&start=${Math.floor(now / 1000) - 10 * 86400}&step=1d&agg=max`);
  assert.equal(max.status, 200);
  assert.ok(max.body.series[0].points.some((p) => p[1] > 150), 'PM2.5 above 150 on some day');
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
