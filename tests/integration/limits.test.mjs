// Limits from the configuration, enforced: connections, the request timeout (slow clients), the
// writer queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, Client } from './lib.mjs';

function connect(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname, () => resolve(s));
    s.on('error', reject);
  });
}

function ask(s, wait = 800) {
  return new Promise((resolve) => {
    let out = '';
    const timer = setTimeout(() => resolve(out), wait);
    s.on('data', (d) => { out += d; if (/\r\n\r\n/.test(out)) { clearTimeout(timer); resolve(out); } });
    s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  });
}

test('max_connections: extra connections wait until one closes', async () => {
  const srv = await startServer({ args: ['--threads', '1'], env: { IOC_HTTP_MAX_CONNECTIONS: '3' } });
  const held = [await connect(srv.url), await connect(srv.url), await connect(srv.url)];
  for (const s of held) assert.match(await ask(s), /^HTTP\/1\.1 200/);
  const extra = await connect(srv.url); // the kernel accepts; iocd does not serve it yet
  const waiting = await ask(extra, 600);
  assert.equal(waiting, '', 'the fourth connection is not served while three are open');
  const later = new Promise((resolve) => { let out = ''; extra.on('data', (d) => { out += d; resolve(out); }); });
  held[0].destroy();
  assert.match(await later, /^HTTP\/1\.1 200/);
  for (const s of [...held, extra]) s.destroy();
  await srv.stop();
  srv.cleanup();
});

test('request_timeout_s: a client that stops half-way is cut, others are served', async () => {
  const srv = await startServer({ env: { IOC_HTTP_REQUEST_TIMEOUT_S: '1' } });
  const slow = await connect(srv.url);
  const closed = new Promise((resolve) => slow.on('close', resolve));
  const t0 = Date.now();
  slow.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
  const c = new Client(srv.url);
  assert.equal((await c.get('/healthz')).status, 200, 'others are served meanwhile');
  await closed;
  const took = Date.now() - t0;
  assert.ok(took >= 900 && took < 3000, `closed after ${took} ms`);
  await srv.stop();
  srv.cleanup();
});

test('limits.key_rate_per_s: a key over its rate gets 429 with Retry-After; others go on', async () => {
  const { startDemo } = await import('./lib.mjs');
  const srv = await startDemo({ env: { IOC_LIMITS_KEY_RATE_PER_S: '1', IOC_LIMITS_KEY_BURST: '3' } });
  const admin = new Client(srv.url);
  await admin.login('admin');
  const k1 = (await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['read:agencies'] })).body.key;
  const k2 = (await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['read:agencies'] })).body.key;
  const c = new Client(srv.url);
  const as = (k) => ({ headers: { authorization: `Bearer ${k}` } });
  const codes = [];
  for (let i = 0; i < 5; i++) codes.push((await c.get('/api/v1/agencies', as(k1))).status);
  assert.deepEqual(codes.slice(0, 3), [200, 200, 200]);
  const limited = await c.get('/api/v1/agencies', as(k1));
  assert.equal(limited.status, 429);
  assert.equal(limited.body.error.code, 'rate_limited');
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  assert.equal((await c.get('/api/v1/agencies', as(k2))).status, 200, 'another key is not limited');
  assert.equal((await admin.get('/api/v1/agencies')).status, 200, 'people are not limited by it');
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await c.get('/api/v1/agencies', as(k1))).status, 200, 'the bucket refills');
  await srv.stop();
  srv.cleanup();
});
