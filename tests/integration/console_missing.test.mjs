// "/" while the console was never built (web root without index.html): a small HTML page, 503,
// Vietnamese first and English below, naming `make web`, with the usual security headers; the
// API and /healthz keep working. Once index.html appears, "/" serves it without a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync, rmSync } from 'node:fs';
import { startServer, Client, tempDir } from './lib.mjs';

let srv, c, webRoot;

before(async () => {
  webRoot = tempDir('ioc-empty-web-');
  srv = await startServer({ webRoot });
  c = new Client(srv.url);
});
after(async () => {
  await srv.stop();
  srv.cleanup();
  rmSync(webRoot, { recursive: true, force: true });
});

test('GET / without built assets is a 503 HTML page saying to run make web', async () => {
  const r = await c.get('/');
  assert.equal(r.status, 503);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(r.text, /^<!doctype html>/);
  assert.match(r.text, /<html lang="vi">/);
  const vi = r.text.indexOf('Giao diện điều hành chưa được dựng');
  const en = r.text.indexOf('The console has not been built');
  assert.ok(vi > 0, 'the Vietnamese text');
  assert.ok(en > vi, 'the English text, below the Vietnamese');
  assert.equal(r.text.match(/<code>make web<\/code>/g).length, 2);
  assert.doesNotMatch(r.text, /<script|<style|style=/i, 'plain HTML only');
  assert.ok(!r.text.includes(webRoot), 'the page names no server path');
});

test('the page carries the security headers and is not cached', async () => {
  const r = await c.get('/');
  assert.equal(r.status, 503);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
  assert.equal(r.headers.get('referrer-policy'), 'same-origin');
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{8}-[0-9a-f]{8}$/);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /style-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
});

test('HEAD / answers 503 too, without a body', async () => {
  const r = await c.req('HEAD', '/');
  assert.equal(r.status, 503);
  assert.equal(r.text, '');
});

test('/healthz and the API still answer', async () => {
  const h = await c.get('/healthz');
  assert.equal(h.status, 200);
  assert.deepEqual(h.body, { status: 'ok' });
  const o = await c.get('/api/openapi.json');
  assert.equal(o.status, 200);
});

test('other missing files stay 404', async () => {
  const r = await c.get('/app.js');
  assert.equal(r.status, 404);
});

test('once the console is built, / serves it without a restart', async () => {
  writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>built</title>');
  const r = await c.get('/');
  assert.equal(r.status, 200);
  assert.match(r.text, /<title>built<\/title>/);
});
