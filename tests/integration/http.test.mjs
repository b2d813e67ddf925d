// The HTTP layer: errors in JSON, security headers, limits, keep-alive, gzip, HTTP/2 refused,
// static files that cannot escape the web root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { startServer, Client, tempDir } from './lib.mjs';

let srv, c, webRoot;

// One raw exchange over a TCP socket; resolves with everything read until close or timeout.
function raw(url, bytes, { waitMs = 2000 } = {}) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(port), hostname);
    let out = '';
    const timer = setTimeout(() => { s.destroy(); resolve({ out, closed: false }); }, waitMs);
    s.on('data', (d) => { out += d.toString('latin1'); });
    s.on('close', () => { clearTimeout(timer); resolve({ out, closed: true }); });
    s.on('error', () => {});
    s.write(bytes);
  });
}

before(async () => {
  webRoot = tempDir('ioc-web-');
  mkdirSync(path.join(webRoot, 'assets'));
  writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(webRoot, 'assets', 'app-0123abcd.js'), 'export const x = 1;\n'.repeat(200));
  writeFileSync(path.join(path.dirname(webRoot), 'ioc-secret.txt'), 'secret');
  srv = await startServer({ webRoot, env: { IOC_HTTP_MAX_BODY: '4096' } });
  c = new Client(srv.url);
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('healthz answers ok with security headers and a request id', async () => {
  const r = await c.get('/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: 'ok' });
  assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{8}-[0-9a-f]{8}$/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
  assert.equal(r.headers.get('referrer-policy'), 'same-origin');
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  const r2 = await c.get('/healthz');
  assert.notEqual(r2.headers.get('x-request-id'), r.headers.get('x-request-id'));
});

test('unknown routes are 404 and wrong methods 405, in JSON', async () => {
  let r = await c.get('/api/v1/nothing-here');
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'not_found');
  r = await c.req('DELETE', '/api/v1/units');
  assert.equal(r.status, 405);
  assert.equal(r.body.error.code, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'GET');
  r = await c.get('/api/v1/units?nonsense=1');
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /nonsense/);
});

test('bodies: 415 for the wrong type, 400 naming the line of bad JSON, 413 past the limit', async () => {
  let r = await c.post('/api/v1/session', 'username=a', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 415);
  assert.equal(r.body.error.code, 'unsupported_media_type');
  r = await c.post('/api/v1/session', '{\n"username": "a",\n"password": }', { headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'bad_json');
  assert.match(r.body.error.message, /line 3/);
  r = await c.post('/api/v1/session', JSON.stringify({ username: 'a', password: 'x'.repeat(5000) }), { headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 413);
  assert.equal(r.body.error.code, 'body_too_large');
});

test('an oversized declared body is refused before it is sent', async () => {
  const t0 = Date.now();
  const { out } = await raw(srv.url, 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n', { waitMs: 3000 });
  assert.match(out, /^HTTP\/1\.1 413/);
  assert.match(out, /body_too_large/);
  assert.ok(Date.now() - t0 < 2500, 'answered without waiting for the body');
});

test('keep-alive: several requests on one connection', async () => {
  const req = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
  const { out } = await raw(srv.url, req + req + req, { waitMs: 500 });
  assert.equal(out.match(/HTTP\/1\.1 200/g).length, 3);
});

test('HTTP/2 is not spoken: h2c upgrade gets HTTP/1.1, a preface gets a clean refusal', async () => {
  const up = await raw(srv.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n', { waitMs: 500 });
  assert.match(up.out, /^HTTP\/1\.1 200/);
  assert.doesNotMatch(up.out, /101 Switching/);
  const pre = await raw(srv.url, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', { waitMs: 2000 });
  assert.ok(pre.out === '' || /^HTTP\/1\.1 4\d\d/.test(pre.out), `got ${JSON.stringify(pre.out.slice(0, 40))}`);
  assert.ok(pre.closed, 'connection closed');
});

test('responses are gzipped for clients that accept it', async () => {
  const res = await fetch(srv.url + '/api/openapi.json', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(res.status, 200);
  // fetch decodes transparently; ask a raw socket to see the encoding
  const { out } = await raw(srv.url, 'GET /api/openapi.json HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n');
  assert.match(out, /content-encoding: gzip/i);
  const doc = await res.json();
  assert.equal(doc.openapi.slice(0, 2), '3.');
});

test('static files: types, ETag and 304, caching, no escape from the web root', async () => {
  let r = await c.get('/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  const etag = r.headers.get('etag');
  assert.ok(etag);
  assert.ok(r.headers.get('last-modified'));
  r = await c.get('/', { headers: { 'if-none-match': etag } });
  assert.equal(r.status, 304);
  r = await c.get('/assets/app-0123abcd.js');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /javascript/);
  assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  for (const p of ['/../ioc-secret.txt', '/%2e%2e/ioc-secret.txt', '/assets/..%2f..%2fioc-secret.txt',
                   '/%2e%2e%2fioc-secret.txt', '/index.html%00.js', '/assets/%2e%2e/%2e%2e/ioc-secret.txt']) {
    const { out } = await raw(srv.url, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.doesNotMatch(out, /secret$/m, `${p} escaped the web root`);
    assert.match(out, /^HTTP\/1\.1 (400|403|404)/, `${p}: ${out.slice(0, 30)}`);
  }
  r = await c.get('/assets/');
  assert.notEqual(r.status, 200, 'no directory listing');
  r = await c.get('/no-such-file.txt');
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'not_found');
});

// Resolves with the text of file once ready(text) (the access log is written in batches, at least
// every 0.1 s), or with what it holds after 10 s (the caller's assertions then fail).
async function logWhen(file, ready) {
  const { readFileSync } = await import('node:fs');
  const read = () => { try { return readFileSync(file, 'utf8'); } catch { return ''; } };
  for (const until = Date.now() + 10000; !ready(read()) && Date.now() < until;)
    await new Promise((r) => setTimeout(r, 20));
  return read();
}
const logHas = (file, re) => logWhen(file, (text) => re.test(text));

test('access log: one JSON line per request, without secrets', async () => {
  const file = path.join(srv.data, 'access.log');
  const lineCount = (text) => text.split('\n').length - 1;
  const had = lineCount(await logWhen(file, () => true));
  const a = await c.post('/api/v1/session', { username: 'nobody', password: 'super-secret-password' });
  const b = await c.get('/healthz');
  const ids = [a.headers.get('x-request-id'), b.headers.get('x-request-id')];
  assert.ok(ids[0] && ids[1], 'each answer names its request id');
  // lines are written as requests finish, on two loops, and earlier tests' lines may still be
  // on their way: find ours by the ids the answers carried
  await logWhen(file, (text) => lineCount(text) >= had + 2 && ids.every((id) => text.includes(`"${id}"`)));
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(path.join(srv.data, 'access.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const login = lines.find((l) => l.id === ids[0]);
  const last = lines.find((l) => l.id === ids[1]);
  assert.ok(login && last, 'both requests are logged under their ids');
  assert.equal(login.path, '/api/v1/session');
  assert.equal(login.method, 'POST');
  assert.equal(login.status, 401);
  assert.equal(login.route, 'session.create');
  assert.equal(last.status, 200);
  assert.equal(last.route, 'health');
  assert.match(last.id, /^[0-9a-f]{8}-/);
  assert.doesNotMatch(readFileSync(path.join(srv.data, 'access.log'), 'utf8'), /super-secret-password/);
});

test('SIGHUP reopens the access log (logrotate moves the file, iocd writes a new one)', async () => {
  const { readFileSync, renameSync, existsSync } = await import('node:fs');
  const log = path.join(srv.data, 'access.log');
  await c.get('/healthz?before-rotate');
  await logHas(log, /before-rotate/);
  renameSync(log, `${log}.1`);
  await c.get('/healthz?still-old-file');
  await logHas(`${log}.1`, /still-old-file/);
  assert.ok(!existsSync(log), 'until SIGHUP the moved file is still written');
  srv.proc.kill('SIGHUP');
  for (const until = Date.now() + 10000; !existsSync(log) && Date.now() < until;)
    await new Promise((r) => setTimeout(r, 20));
  await c.get('/healthz?after-rotate');
  const fresh = await logHas(log, /after-rotate/);
  const old = readFileSync(`${log}.1`, 'utf8');
  assert.match(fresh, /after-rotate/);
  assert.doesNotMatch(fresh, /before-rotate/);
  assert.match(old, /still-old-file/);
  assert.equal((await c.get('/healthz')).status, 200, 'iocd keeps serving after SIGHUP');
});
