// Telemetry over HTTP: InfluxDB 1.x and 2.x writes (precisions, gzip, key in u/p), refusals
// (no key, a key without the scope, bad lines, type conflicts, limits), /ping and /query.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { startDemo, Client } from './lib.mjs';

let srv, key, readKey;

before(async () => {
  srv = await startDemo({ env: { IOC_TELEMETRY_MAX_BODY: '65536', IOC_TELEMETRY_MAX_POINTS: '1000' } });
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
