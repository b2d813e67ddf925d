// Telemetry over HTTP: InfluxDB 1.x and 2.x writes (precisions, gzip, key in u/p), refusals
// (no key, a key without the scope, bad lines, type conflicts, limits), /ping and /query.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startDemo, startServer, tempDir, Client } from './lib.mjs';

let srv, key, readKey;

before(async () => {
  srv = await startDemo({
    env: { IOC_TELEMETRY_MAX_BODY: '65536', IOC_TELEMETRY_MAX_POINTS: '1000', IOC_TELEMETRY_RETENTION_BY_MEASUREMENT: 'old=2d' },
  });
  const staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
  let r = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['write:telemetry', 'read:telemetry'] });
  assert.equal(r.status, 201);
  key = r.body.key;
  r = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['read:telemetry'] });
  assert.equal(r.status, 201);
  readKey = r.body.key;
});
after(async () => { await srv?.stop(); });

function write(path, body, headers = {}) {
  return fetch(srv.url + path, { method: 'POST', headers: { authorization: `Token ${key}`, ...headers }, body });
}

async function metric(name) {
  const t = await (await fetch(srv.url + '/metrics')).text();
  const m = t.match(new RegExp(`^${name} (\\d+)`, 'm'));
  return m ? Number(m[1]) : NaN;
}

test('a v1 write with each precision is acknowledged 204 and counted', async () => {
  const before = await metric('ioc_telemetry_points_accepted_total');
  const t = 1700000000;
  const cases = [['ns', `${t}000000000`], ['u', `${t}000001`], ['ms', `${t}002`], ['s', `${t + 3}`],
                 ['m', `${Math.floor(t / 60) + 1}`], ['h', `${Math.floor(t / 3600) + 1}`]];
  for (const [p, ts] of cases) {
    const r = await write(`/write?db=x&precision=${p}`, `prec,p=${p} v=1.5,n=2i ${ts}\n`);
    assert.equal(r.status, 204, `precision ${p}: ${await r.text()}`);
  }
  assert.equal(await metric('ioc_telemetry_points_accepted_total'), before + 2 * cases.length);
});

test('a v2 write with ms precision and Bearer is acknowledged 204', async () => {
  const r = await write('/api/v2/write?org=o&bucket=b&precision=ms', 'v2,site=a temp=20.5 1700000000000',
                        { authorization: `Bearer ${key}` });
  assert.equal(r.status, 204, await r.text());
});

test('a v2 write refuses the 1.x precision h', async () => {
  const r = await write('/api/v2/write?precision=h', 'v2 temp=1 1');
  assert.equal(r.status, 400);
});

test('a gzip body is inflated and written', async () => {
  const r = await write('/write', gzipSync('gz,a=b x=1 1700000000000000000\ngz,a=c x=2 1700000000000000000\n'),
                        { 'content-encoding': 'gzip' });
  assert.equal(r.status, 204, await r.text());
});

test('a damaged gzip body is 400', async () => {
  const z = gzipSync('gz x=1 1\n');
  const r = await write('/write', z.subarray(0, z.length - 6), { 'content-encoding': 'gzip' });
  assert.equal(r.status, 400);
});

test('a gzip body that inflates past telemetry.max_body is 413', async () => {
  const body = 'big x=1 1\n'.repeat(10000); // 100 kB inflated, ~300 bytes sent
  const r = await write('/write', gzipSync(body), { 'content-encoding': 'gzip' });
  assert.equal(r.status, 413);
  assert.match((await r.json()).error.message, /max_body/);
});

test('a plain body past telemetry.max_body is 413', async () => {
  const r = await write('/write', 'big x=1 1\n'.repeat(7000));
  assert.equal(r.status, 413);
});

test('more points than telemetry.max_points is 413 naming the limit', async () => {
  let body = '';
  for (let i = 0; i < 1001; i++) body += `many x=${i} ${i}\n`;
  const r = await write('/write', body);
  assert.equal(r.status, 413);
  assert.match((await r.json()).error.message, /max_points \(1000\)/);
});

test('the key as p= of /write is accepted (InfluxDB 1.x u/p)', async () => {
  const r = await fetch(`${srv.url}/write?db=x&u=me&p=${key}`, { method: 'POST', body: 'up x=1 1700000000000000000' });
  assert.equal(r.status, 204, await r.text());
});

test('a wrong p= is 401', async () => {
  const r = await fetch(`${srv.url}/write?db=x&u=me&p=ioc_00000000_${'0'.repeat(40)}`, { method: 'POST', body: 'up x=1 1' });
  assert.equal(r.status, 401);
});

test('a write without a key is 401', async () => {
  const r = await fetch(`${srv.url}/write`, { method: 'POST', body: 'anon x=1 1' });
  assert.equal(r.status, 401);
});

test('a key without write:telemetry is 403', async () => {
  const r = await write('/write', 'ro x=1 1', { authorization: `Token ${readKey}` });
  assert.equal(r.status, 403);
});

test('a bad line is 400 naming line and column, and the good lines are written', async () => {
  const before = await metric('ioc_telemetry_points_accepted_total');
  const r = await write('/write', 'part x=1 1700000000000000000\npart x=\npart x=3 1700000000000000002\n');
  assert.equal(r.status, 400);
  const e = (await r.json()).error;
  assert.equal(e.code, 'bad_line_protocol');
  assert.match(e.message, /^line 2, column \d+: .*\(2 points written, 1 lines dropped\)/);
  assert.equal(await metric('ioc_telemetry_points_accepted_total'), before + 2);
});

test('a field written with another type is 400 naming measurement, field and stored type', async () => {
  assert.equal((await write('/write', 'conflict f=1.5 1700000000000000000')).status, 204);
  const r = await write('/write', 'conflict f=2i 1700000000000000001');
  assert.equal(r.status, 400);
  const e = (await r.json()).error;
  assert.equal(e.code, 'field_type_conflict');
  assert.match(e.message, /measurement conflict field f is stored as float/);
});

test('GET and HEAD /ping answer 204 with the InfluxDB version headers', async () => {
  for (const method of ['GET', 'HEAD']) {
    const r = await fetch(`${srv.url}/ping`, { method });
    assert.equal(r.status, 204);
    assert.ok(r.headers.get('x-influxdb-version'));
    assert.ok(r.headers.get('x-influxdb-build'));
  }
});

test('/query answers CREATE DATABASE and SHOW DATABASES in InfluxDB shape', async () => {
  let r = await fetch(`${srv.url}/query?q=${encodeURIComponent('CREATE DATABASE "telegraf"')}`,
                      { method: 'POST', headers: { authorization: `Token ${key}` } });
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { results: [{ statement_id: 0 }] });
  r = await fetch(`${srv.url}/query`, { method: 'POST', headers: { authorization: `Token ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
                                        body: 'q=SHOW+DATABASES' });
  assert.equal(r.status, 200);
  const j = await r.json();
  assert.equal(j.results[0].series[0].name, 'databases');
  r = await fetch(`${srv.url}/query?q=SELECT+1`, { headers: { authorization: `Token ${key}` } });
  assert.equal(r.status, 400);
});

// ---- reads ----

function read(p, k = readKey) {
  return fetch(srv.url + p, { headers: { authorization: `Bearer ${k}` } });
}

// 3 stations × 120 points a minute apart from T0, values known to the test.
const T0 = 1749999600; // seconds, a multiple of 600
const STATIONS = ['s1', 's2', 's3'];
const val = (si, i) => si * 100 + (i % 7) * 0.5 + i / 1000;

test('query: 10-minute means per station equal those computed from the written points', async () => {
  assert.equal(T0 % 600, 0);
  let body = '';
  for (const [si, s] of STATIONS.entries())
    for (let i = 0; i < 120; i++) body += `air,station=${s},city=hn pm25=${val(si, i)},n=${i}i ${T0 + 60 * i}\n`;
  assert.equal((await write('/write?precision=s', body)).status, 204);
  const r = await read(`/api/v1/query?measurement=air&field=pm25&start=${T0}&end=${T0 + 7200}&step=10m&agg=mean&group=station`);
  assert.equal(r.status, 200, await r.clone().text());
  const j = await r.json();
  assert.equal(j.series.length, 3);
  for (const [si, s] of STATIONS.entries()) {
    const ser = j.series.find((x) => x.tags.station === s);
    assert.equal(ser.points.length, 12);
    for (let b = 0; b < 12; b++) {
      let sum = 0;
      for (let i = b * 10; i < b * 10 + 10; i++) sum += val(si, i);
      assert.equal(ser.points[b][0], (T0 + 600 * b) * 1000);
      assert.ok(Math.abs(ser.points[b][1] - sum / 10) < 1e-9, `${s} bucket ${b}`);
    }
  }
});

test('query: without group the matching series are merged; tag filters select', async () => {
  const r = await read(`/api/v1/query?measurement=air&field=pm25&tag.station=s1,s2&start=${new Date(T0 * 1000).toISOString()}&end=${T0 + 3600}&step=1h&agg=count`);
  const j = await r.json();
  assert.equal(j.series.length, 1);
  assert.deepEqual(j.series[0].points, [[T0 * 1000, 120]]);
  const mx = await (await read(`/api/v1/query?measurement=air&field=pm25&start=${T0}&end=${T0 + 7200}&step=2h&agg=max`)).json();
  assert.equal(mx.series[0].points[0][1], Math.max(...STATIONS.flatMap((_, si) => [...Array(120).keys()].map((i) => val(si, i)))));
});

test('query: an empty bucket is null', async () => {
  const j = await (await read(`/api/v1/query?measurement=air&field=pm25&start=${T0 + 7200}&end=${T0 + 7800}&step=10m`)).json();
  assert.deepEqual(j.series[0].points, [[(T0 + 7200) * 1000, null]]);
});

test('query: format=csv gives time, the group tag and the value', async () => {
  const r = await read(`/api/v1/query?measurement=air&field=pm25&tag.station=s1&start=${T0}&end=${T0 + 1200}&step=10m&agg=first&group=station&format=csv`);
  assert.match(r.headers.get('content-type'), /text\/csv/);
  const lines = (await r.text()).trim().split('\n');
  assert.equal(lines[0], 'time,station,value');
  assert.equal(lines[1], `${new Date(T0 * 1000).toISOString()},s1,${val(0, 0)}`);
  assert.equal(lines.length, 3);
});

test('query: too many buckets is 400 limit_exceeded', async () => {
  const r = await read(`/api/v1/query?measurement=air&field=pm25&start=0&end=${T0}&step=1s`);
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error.code, 'limit_exceeded');
});

test('query: a bad step, agg or time is 400', async () => {
  for (const q of ['step=1y', 'agg=median', 'start=yesterday', `start=${T0}&end=${T0 - 1}`]) {
    const r = await read(`/api/v1/query?measurement=air&field=pm25&${q}`);
    assert.equal(r.status, 400, q);
  }
});

test('latest: the last value of each series, typed as stored', async () => {
  const j = await (await read('/api/v1/latest?measurement=air&tag.station=s2')).json();
  const pm = j.series.find((s) => s.field === 'pm25');
  const n = j.series.find((s) => s.field === 'n');
  assert.deepEqual(pm.tags, { city: 'hn', station: 's2' });
  assert.equal(pm.time, (T0 + 60 * 119) * 1000);
  assert.equal(pm.value, val(1, 119));
  assert.equal(n.value, 119);
  assert.equal(j.series.length, 2);
});

test('series: every series of a measurement with its tags, field and type', async () => {
  const j = await (await read('/api/v1/series?measurement=air')).json();
  assert.equal(j.series.length, 6);
  assert.ok(j.series.some((s) => s.field === 'n' && s.type === 'integer' && s.tags.station === 's3'));
  assert.ok(j.series.some((s) => s.field === 'pm25' && s.type === 'float' && s.tags.station === 's1'));
});

test('latest and series: format=csv gives one row per series, tags as k=v;k=v', async () => {
  const r = await read('/api/v1/latest?measurement=air&tag.station=s2&format=csv');
  assert.match(r.headers.get('content-type'), /text\/csv/);
  const lines = (await r.text()).trim().split('\n');
  assert.equal(lines[0], 'measurement,field,tags,time,value');
  const t = new Date((T0 + 60 * 119) * 1000).toISOString();
  assert.deepEqual(lines.slice(1).sort(), [`air,n,city=hn;station=s2,${t},119`, `air,pm25,city=hn;station=s2,${t},${val(1, 119)}`]);
  const s = (await (await read('/api/v1/series?measurement=air&field=n&format=csv')).text()).trim().split('\n');
  assert.equal(s[0], 'measurement,field,type,tags');
  assert.deepEqual(s.slice(1).sort(), STATIONS.map((st) => `air,n,integer,city=hn;station=${st}`));
  assert.equal((await read('/api/v1/series?format=xml')).status, 400);
});

test('reads need read:telemetry: no key 401', async () => {
  const r = await fetch(`${srv.url}/api/v1/series`);
  assert.equal(r.status, 401);
});

test('the key as the HTTP Basic password of /write is accepted (Telegraf influxdb output)', async () => {
  const basic = (pw) => `Basic ${Buffer.from(`telegraf:${pw}`).toString('base64')}`;
  let r = await fetch(`${srv.url}/write?db=x`, { method: 'POST', headers: { authorization: basic(key) }, body: 'basic x=1 1700000000000000000' });
  assert.equal(r.status, 204, await r.text());
  r = await fetch(`${srv.url}/write?db=x`, { method: 'POST', headers: { authorization: basic('nope') }, body: 'basic x=1 1' });
  assert.equal(r.status, 401);
});

test('query: the widest range with the widest step is one bucket, a time past 2096 is 400', async () => {
  let r = await read('/api/v1/query?measurement=air&field=pm25&start=-4000000000&end=4000000000&step=100000d&agg=count');
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal((await r.json()).series[0].points.length, 1);
  r = await read('/api/v1/query?measurement=air&field=pm25&start=0&end=9000000000');
  assert.equal(r.status, 400);
});

test('iocd does not start when the time-series engine cannot be opened, and says why', async () => {
  const data = tempDir();
  writeFileSync(path.join(data, 'tsdb'), 'not a directory');
  await assert.rejects(startServer({ data }), /cannot open the time-series engine/);
  rmSync(data, { recursive: true, force: true });
});

test('iocd does not start with a bad telemetry.sync or retention, and names the setting', async () => {
  const data = tempDir();
  await assert.rejects(startServer({ data, env: { IOC_TELEMETRY_RETENTION_BY_MEASUREMENT: 'air=5x' } }),
                       /iocd: telemetry\.retention_by_measurement: "air=5x"/);
  await assert.rejects(startServer({ data, env: { IOC_TELEMETRY_SYNC: 'sometimes' } }),
                       /iocd: telemetry\.sync must be batch, always or off/);
  rmSync(data, { recursive: true, force: true });
});

test('retention: points of a measurement older than its telemetry.retention_by_measurement are never returned', async () => {
  const now = Math.floor(Date.now() / 1000);
  const day = 86400;
  const body = `old,station=r1 v=1 ${now - 10 * day}\nold,station=r1 v=2 ${now - 3 * day}\nold,station=r1 v=3 ${now - 3600}\n`;
  assert.equal((await write('/write?precision=s', body)).status, 204);
  const start = now - 20 * day - ((now - 20 * day) % day);
  const q = await (await read(`/api/v1/query?measurement=old&field=v&start=${start}&end=${start + 21 * day}&step=1d&agg=count`)).json();
  const counts = q.series[0].points.map((p) => p[1] ?? 0);
  assert.equal(counts.reduce((a, b) => a + b, 0), 1, JSON.stringify(q.series[0].points));
  const l = await (await read('/api/v1/latest?measurement=old')).json();
  assert.equal(l.series[0].value, 3);
  // the air points of 2025 have no rule: kept for ever (the default 0)
  const air = await (await read(`/api/v1/query?measurement=air&field=pm25&tag.station=s1&start=${T0}&end=${T0 + 3600}&step=1h&agg=count`)).json();
  assert.deepEqual(air.series[0].points, [[T0 * 1000, 60]]);
  for (const name of ['ioc_tsdb_expired_chunks_total', 'ioc_tsdb_expired_bytes_total', 'ioc_tsdb_expired_files_total',
                      'ioc_tsdb_series_expired'])
    assert.ok(Number.isFinite(await metric(name)), name);
});

test('retention: a series whose every point has expired is not listed by /api/v1/series', async () => {
  const now = Math.floor(Date.now() / 1000);
  const day = 86400;
  // `kept` has no rule here (the default: for ever): both listed
  const body = `kept,station=g1 v=1 ${now - 10 * day}\nkept,station=g2 v=1 ${now - 10 * day}\n`;
  assert.equal((await write('/write?precision=s', body)).status, 204);
  let j = await (await read('/api/v1/series?measurement=kept')).json();
  assert.deepEqual(j.series.map((s) => s.tags.station).sort(), ['g1', 'g2']);
  // `old` keeps 2 days: r9 (every point older) is not listed, r8 (one recent point) is
  const old = `old,station=r9 v=1 ${now - 10 * day}\nold,station=r9 v=2 ${now - 3 * day}\n` +
              `old,station=r8 v=1 ${now - 10 * day}\nold,station=r8 v=2 ${now - 60}\n`;
  assert.equal((await write('/write?precision=s', old)).status, 204);
  j = await (await read('/api/v1/series?measurement=old')).json();
  const stations = j.series.map((s) => s.tags.station);
  assert.ok(stations.includes('r8'), JSON.stringify(j));
  assert.ok(!stations.includes('r9'), JSON.stringify(j));
  const csv = (await (await read('/api/v1/series?measurement=old&format=csv')).text());
  assert.ok(!csv.includes('station=r9'), csv);
  assert.ok(await metric('ioc_tsdb_series_expired') >= 0);
});
