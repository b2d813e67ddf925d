// The VN_AQI of stored readings (src/environment): the hourly and daily routes computed from the
// readings a client wrote, checked against values worked out BY HAND here (Decision 1459, Table 2
// and the NowCast); the engine's incremental results written back as the `aqi` series, a late
// reading recomputing the hours it touches; the results surviving a kill -9 (redone at start).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDataDir, Client, iocctl } from './lib.mjs';

const servers = [];
after(() => servers.forEach((s) => s.cleanup()));

// 2026-06-01 local (UTC+7): the hour labelled HH:00 holds the readings of the hour before it.
const label = (hh) => Date.parse(`2026-06-01T${String(hh).padStart(2, '0')}:00:00+07:00`) / 1000;
const inHour = (hh) => label(hh) - 1800; // a reading in the middle of the hour labelled hh

async function keyFor(srv) {
  const staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
  const k = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['write:telemetry', 'read:telemetry'] });
  assert.equal(k.status, 201);
  return k.body.key;
}

async function write(srv, key, body) {
  const r = await fetch(`${srv.url}/write?precision=s`, { method: 'POST', headers: { authorization: `Token ${key}` }, body });
  assert.equal(r.status, 204, await r.text());
}

// The engine's `aqi` series for station st, by hour START (ms → value).
async function aqiSeries(srv, key, st) {
  const q = `/api/v1/query?measurement=aqi&field=aqi&tag.station=${st}&start=${label(0)}&end=${label(23)}&step=1h&agg=last`;
  const r = await fetch(srv.url + q, { headers: { authorization: `Token ${key}` } });
  assert.equal(r.status, 200);
  const j = await r.json();
  const out = new Map();
  for (const s of j.series || []) for (const [t, v] of s.points) if (v !== null) out.set(t, v);
  return out;
}

async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Readings: PM2.5 20 in the hour labelled 10:00, 40 in 11:00; NO2 150 in both.
const READINGS = `air,station=TST-1 pm25=20,no2=150 ${inHour(10)}\nair,station=TST-1 pm25=40,no2=150 ${inHour(11)}\n`;

test('hourly and daily AQI of written readings agree with the hand computation', async () => {
  const srv = await startServer({ data: seededDataDir(), demo: true });
  servers.push(srv);
  const key = await keyFor(srv);
  await write(srv, key, READINGS);
  const r = await fetch(`${srv.url}/api/v1/aqi/TST-1/hourly?from=${label(10)}&to=${label(13)}`);
  assert.equal(r.status, 200);
  const { station, hours } = await r.json();
  assert.equal(station, 'TST-1');
  assert.deepEqual(hours.map((h) => h.time), ['10', '11', '12', '13'].map((h) => `2026-06-01T${h}:00:00+07:00`));
  // 10:00 — PM2.5 only in c1: fewer than 2 of the last 3 hours, no PM value, no index.
  assert.equal(hours[0].aqi, null);
  assert.equal(hours[0].reason, 'nowcast_short');
  assert.equal(hours[0].sub.no2, 75); // 50 + 50·(150−100)/(200−100)
  // 11:00 — c1 = 40, c2 = 20: w* = ½ → w = ½; NowCast = (40 + ½·20)/(1 + ½) = 33.33;
  // PM2.5 sub = 50 + 50·(33.33 − 25)/25 = 66.67 → 67; NO2 75 → AQI 75, NO2 dominant.
  assert.equal(hours[1].sub.pm25, 67);
  assert.equal(hours[1].aqi, 75);
  assert.equal(hours[1].dominant, 'no2');
  assert.equal(hours[1].class_vi, 'Trung bình');
  assert.equal(hours[1].colour, '#ffff00');
  assert.equal(hours[1].conc.pm25, 33.3);
  // 12:00 — c2 = 40, c3 = 20 (c1 missing): (½·40 + ¼·20)/(½ + ¼) = 33.33 → 67, PM2.5 alone.
  assert.equal(hours[2].aqi, 67);
  assert.equal(hours[2].dominant, 'pm25');
  assert.equal(hours[2].sub.no2, undefined);
  // 13:00 — only c3 left: no index.
  assert.equal(hours[3].aqi, null);
  // CSV: the columns of iocctl aqi, class in Vietnamese.
  const csv = await (await fetch(`${srv.url}/api/v1/aqi/TST-1/hourly?from=${label(11)}&to=${label(11)}&format=csv`)).text();
  assert.equal(csv, 'time,aqi,class,dominant,aqi_pm25,aqi_pm10,aqi_no2,aqi_so2,aqi_co,aqi_o3\n' +
    '2026-06-01T11:00:00+07:00,75,Trung bình,no2,67,,75,,,\n');
  // … and the server's rows are iocctl aqi's for the same hourly means (one reading an hour).
  const means = 'time,pm25,no2\n2026-06-01T10:00:00+07:00,20,150\n2026-06-01T11:00:00+07:00,40,150\n' +
    '2026-06-01T12:00:00+07:00,,\n2026-06-01T13:00:00+07:00,,\n';
  const ctl = iocctl(srv.data, ['aqi', '--hourly', '-'], means);
  assert.equal(ctl.status, 0, ctl.stderr);
  const api = await (await fetch(`${srv.url}/api/v1/aqi/TST-1/hourly?from=${label(10)}&to=${label(13)}&format=csv`)).text();
  assert.equal(api, ctl.stdout);
  // Daily: two PM hours of 24 are fewer than the 18 the daily mean needs.
  const d = await (await fetch(`${srv.url}/api/v1/aqi/TST-1/daily?from=2026-06-01&to=2026-06-01`)).json();
  assert.equal(d.days.length, 1);
  assert.equal(d.days[0].time, '2026-06-01');
  assert.equal(d.days[0].aqi, null);
  assert.equal(d.days[0].reason, 'day_short');
  assert.equal(d.days[0].sub.no2, 75); // the day's largest hourly mean
  // Bad parameters are refused with the parameter named.
  const bad = await fetch(`${srv.url}/api/v1/aqi/TST-1/hourly?from=yesterday`);
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error.message, /from/);
  const wide = await fetch(`${srv.url}/api/v1/aqi/TST-1/daily?from=2024-01-01&to=2026-06-01`);
  assert.equal(wide.status, 400);
  assert.equal((await wide.json()).error.code, 'limit_exceeded');
  await srv.stop();
});

test('the engine writes the aqi series as readings arrive and recomputes what a late reading touches', async () => {
  const srv = await startServer({ data: seededDataDir(), demo: true });
  servers.push(srv);
  const key = await keyFor(srv);
  await write(srv, key, READINGS);
  const start = (hh) => (label(hh) - 3600) * 1000; // the series is stamped at the hour's start
  let s = await until('the aqi series', async () => {
    const m = await aqiSeries(srv, key, 'TST-1');
    return m.get(start(12)) === 67 ? m : null;
  });
  assert.equal(s.get(start(11)), 75);
  assert.equal(s.get(start(10)), undefined); // no index at 10:00: no point
  // A late reading in the hour labelled 09:00 (PM2.5 20): 12:00 becomes
  // (½·40 + ¼·20 + ⅛·20)/(½ + ¼ + ⅛) = 31.43 → 50 + 50·6.43/25 = 62.86 → 63.
  await write(srv, key, `air,station=TST-1 pm25=20 ${inHour(9)}\n`);
  s = await until('the recomputed hour', async () => {
    const m = await aqiSeries(srv, key, 'TST-1');
    return m.get(start(12)) === 63 ? m : null;
  });
  assert.equal(s.get(start(10)), 75); // c1 = c2 = 20 → 40; NO2 75
  assert.equal(s.get(start(11)), 75);
  // the same as the route computes from the readings
  const hours = (await (await fetch(`${srv.url}/api/v1/aqi/TST-1/hourly?from=${label(9)}&to=${label(20)}`)).json()).hours;
  for (const h of hours) {
    const t = (Date.parse(h.time) / 1000 - 3600) * 1000;
    assert.equal(s.get(t), h.aqi === null ? undefined : h.aqi, h.time);
  }
  const m = await (await fetch(`${srv.url}/metrics`)).text();
  assert.match(m, /ioc_aqi_hour_results_total [1-9]/);
  await srv.stop();
});

test('kill -9 before the engine wrote its results: the next start computes them', async () => {
  const data = seededDataDir();
  let srv = await startServer({ data, demo: true, env: { IOC_TEST_AQI_PAUSE: '1' } });
  servers.push(srv);
  const key = await keyFor(srv);
  await write(srv, key, READINGS.replaceAll('TST-1', 'TST-K'));
  await srv.kill9();
  srv = await startServer({ data });
  servers.push(srv);
  await until('the backfilled aqi series', async () => {
    const m = await aqiSeries(srv, key, 'TST-K');
    return m.get((label(12) - 3600) * 1000) === 67;
  });
  await srv.stop();
});

test('latest AQI as GeoJSON; a water level crossing its alarm levels up and down is an event', async () => {
  const srv = await startServer({ data: seededDataDir(), demo: true });
  servers.push(srv);
  const key = await keyFor(srv);
  const op = new Client(srv.url);
  assert.equal((await op.login('operator')).status, 200);
  const st = { name_vi: 'Trạm thử', name_en: 'Test station', kind: 'water_level', lat: 10.9435, lon: 106.8207,
    measures: ['level'], alarm1: 1, alarm2: 2, alarm3: 3 };
  const put = await until('the point index', async () => {
    const r = await op.put('/api/v1/stations/WL-TST', st);
    return r.status !== 503 && r;
  });
  assert.equal(put.status, 201, JSON.stringify(put.body));
  const air = await op.put('/api/v1/stations/AQ-TST', { ...st, kind: 'air', measures: ['pm25'], alarm1: null, alarm2: null, alarm3: null });
  assert.equal(air.status, 201, JSON.stringify(air.body));
  const now = Math.floor(Date.now() / 1000);
  // 0.5 → 1.5 (reaches I) → 2.5 (II) → 1.2 (falls below II) → 0.4 (below I): four events
  const levels = [0.5, 1.5, 2.5, 1.2, 0.4];
  for (let i = 0; i < levels.length; i++) {
    await write(srv, key, `water,station=WL-TST level=${levels[i]} ${now - 60 + i * 10}\n`);
  }
  await write(srv, key, `air,station=AQ-TST pm25=27.25 ${now - 3600}\nair,station=AQ-TST pm25=27.25 ${now}\n`);
  const ev = await until('the water_alarm events', async () => {
    const r = await fetch(`${srv.url}/api/v1/query?measurement=water_alarm&field=state&tag.station=WL-TST&start=${now - 120}&end=${now + 60}&step=10s&agg=last`,
      { headers: { authorization: `Token ${key}` } });
    const j = await r.json();
    const pts = (j.series?.[0]?.points || []).filter((p) => p[1] !== null).map((p) => p[1]);
    return pts.length === 4 && pts;
  });
  assert.deepEqual(ev, [1, 2, 1, 0]);
  const w = (await op.get('/api/v1/stations/WL-TST')).body;
  assert.equal(w.level, 0.4);
  assert.equal(w.alarm_state, 0);
  const fc = await until('the latest AQI', async () => {
    const r = await (await fetch(`${srv.url}/api/v1/aqi/latest`)).json();
    const f = r.features.find((x) => x.id === 'AQ-TST');
    return f?.properties.aqi === 55 && r;
  });
  assert.equal(fc.type, 'FeatureCollection');
  const f = fc.features.find((x) => x.id === 'AQ-TST');
  assert.deepEqual(f.geometry.coordinates, [106.8207, 10.9435]);
  assert.equal(f.properties.class_vi, 'Trung bình');
  assert.equal(f.properties.colour, '#ffff00');
  assert.ok(f.properties.advice_vi.length > 10);
  assert.ok(!fc.features.some((x) => x.id === 'WL-TST'), 'air stations only');
  await srv.stop();
});
