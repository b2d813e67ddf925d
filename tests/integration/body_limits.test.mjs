// Body limits per route: telemetry writes take telemetry.max_body, every other route (and an
// unknown one) http.max_body. A declared body over its route's limit is answered 413 before it
// is read, a chunked one as soon as it passes the limit; the connection is closed each time and
// the server goes on serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startDemo, Client } from './lib.mjs';

const KiB = 1024;
const MiB = 1024 * KiB;
let srv, key;

before(async () => {
  srv = await startDemo({
    waitIndex: false,
    env: { IOC_HTTP_MAX_BODY: String(64 * KiB), IOC_TELEMETRY_MAX_BODY: String(2 * MiB) },
  });
  const staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
  const r = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['write:telemetry', 'read:telemetry'] });
  assert.equal(r.status, 201);
  key = r.body.key;
});
after(async () => { await srv?.stop(); });

// Line protocol of at least n bytes: series bulk,s=0..49, one point per line.
function lines(measurement, n) {
  const out = [];
  let size = 0;
  for (let i = 0; size < n; i++) {
    const l = `${measurement},s=${i % 50} v=${i} ${1700000000000000000 + i * 1000}\n`;
    out.push(l);
    size += l.length;
  }
  return out.join('');
}

// Sends head, then body (a Buffer or string), on a raw connection, without ending it; resolves
// with what came back once the server closed the connection ({ text, closed, ms }), or after
// `wait` ms with closed false.
function raw(head, body = '', wait = 5000) {
  const { hostname, port } = new URL(srv.url);
  return new Promise((resolve) => {
    const t0 = Date.now();
    let text = '';
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ text, closed, ms: Date.now() - t0 });
    };
    const s = net.connect(Number(port), hostname, () => {
      s.write(head);
      if (body.length) s.write(body);
    });
    s.on('data', (d) => { text += d; });
    s.on('end', () => finish(true));
    s.on('close', () => finish(true));
    s.on('error', () => finish(true)); // a reset after the answer still counts as closed
    const timer = setTimeout(() => finish(false), wait);
  });
}

function expect413(res, what) {
  assert.ok(res.closed, `${what}: the server closed the connection`);
  assert.match(res.text, /^HTTP\/1\.1 413 /, `${what}: ${res.text.slice(0, 80)}`);
  assert.match(res.text, /"code":"body_too_large"/, what);
  assert.match(res.text, /\r\nconnection: close\r\n/i, what);
}

async function stillServing() {
  assert.equal((await fetch(`${srv.url}/healthz`)).status, 200, 'the server goes on serving');
}

test('a 1 MiB line-protocol write (over http.max_body, under telemetry.max_body) is 204 and stored', async () => {
  const body = lines('bulk', MiB);
  assert.ok(body.length >= MiB && body.length > 64 * KiB);
  const r = await fetch(`${srv.url}/write?db=x`, { method: 'POST', headers: { authorization: `Token ${key}` }, body });
  assert.equal(r.status, 204, await r.text());
  const j = await (await fetch(`${srv.url}/api/v1/series?measurement=bulk`, { headers: { authorization: `Token ${key}` } })).json();
  assert.equal(j.series.length, 50);
  const v2 = await fetch(`${srv.url}/api/v2/write?org=o&bucket=b&precision=ns`, {
    method: 'POST', headers: { authorization: `Token ${key}` }, body: lines('bulk2', 200 * KiB),
  });
  assert.equal(v2.status, 204, 'the v2 write takes telemetry.max_body too');
});

test('a 1 MiB JSON body to a JSON route is 413 before the server reads it, and the connection closes', async () => {
  const head = `POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${MiB}\r\n\r\n`;
  const res = await raw(head, '{"username":"admin","password":"');
  expect413(res, 'declared 1 MiB, 33 bytes sent');
  assert.ok(res.ms < 3000, `answered in ${res.ms} ms, without waiting for the body`);
  await stillServing();
});

test('a body just over http.max_body is 413 on a JSON route, one under it reaches the handler', async () => {
  const over = await raw(`POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${64 * KiB + 1}\r\n\r\n`);
  expect413(over, 'http.max_body + 1');
  const c = new Client(srv.url);
  const under = await c.post('/api/v1/session', { username: 'admin', password: 'x'.repeat(60 * KiB) });
  assert.notEqual(under.status, 413, 'under the limit the handler answers');
  await stillServing();
});

test('an unknown route uses http.max_body', async () => {
  const res = await raw(`POST /api/v1/no-such-thing HTTP/1.1\r\nHost: x\r\nContent-Length: ${100 * KiB}\r\n\r\n`, 'x'.repeat(100));
  expect413(res, 'unknown route');
  const small = await fetch(`${srv.url}/api/v1/no-such-thing`, { method: 'POST', body: 'x'.repeat(KiB) });
  assert.equal(small.status, 404);
});

test('a 3 MiB write (over telemetry.max_body) is 413 before it is read', async () => {
  const head = `POST /write?db=x HTTP/1.1\r\nHost: x\r\nAuthorization: Token ${key}\r\nContent-Length: ${3 * MiB}\r\n\r\n`;
  const res = await raw(head, lines('huge', 64 * KiB));
  expect413(res, '3 MiB write');
  assert.ok(res.ms < 3000, `answered in ${res.ms} ms`);
  await stillServing();
});

function chunkedBody(text) {
  const buf = Buffer.from(text);
  const parts = [];
  for (let at = 0; at < buf.length; at += 16 * KiB) {
    const piece = buf.subarray(at, at + 16 * KiB);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

test('chunked bodies are held to their route limit; the connection closes after each 413', async () => {
  const json = await raw('POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    chunkedBody(`{"username":"${'u'.repeat(100 * KiB)}"}`));
  expect413(json, 'chunked JSON over http.max_body');
  const big = await raw(`POST /write?db=x HTTP/1.1\r\nHost: x\r\nAuthorization: Token ${key}\r\nTransfer-Encoding: chunked\r\n\r\n`,
    chunkedBody(lines('chunky', 3 * MiB)));
  expect413(big, 'chunked write over telemetry.max_body');
  await stillServing();
  const ok = await raw(`POST /write?db=x HTTP/1.1\r\nHost: x\r\nAuthorization: Token ${key}\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n`,
    chunkedBody(lines('chunky', 512 * KiB)));
  assert.match(ok.text, /^HTTP\/1\.1 204 /, 'a chunked write under telemetry.max_body is taken');
});
