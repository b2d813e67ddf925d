// Strict HTTP/1.1 framing and refusals, over raw TCP: requests whose body length is ambiguous
// (request smuggling) get one 400 and a closed connection before any handler runs; malformed
// requests that h2o refuses itself still get our security headers, an X-Request-Id and JSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from './lib.mjs';

let srv;
let accessLog;
before(async () => {
  const { tempDir } = await import('./lib.mjs');
  accessLog = path.join(tempDir('ioc-strict-'), 'access.log');
  srv = await startServer({ env: { IOC_LOG_ACCESS_LOG: accessLog } });
});
after(async () => {
  await srv.stop();
  srv.cleanup();
});

// Sends raw bytes; resolves with everything the server wrote until it closed (or `wait` ms).
function raw(bytes, wait = 3000) {
  const { hostname, port } = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname, () => s.write(bytes));
    let out = '';
    const timer = setTimeout(() => { s.destroy(); resolve({ out, closed: false }); }, wait);
    s.on('data', (d) => { out += d; });
    s.on('error', reject);
    s.on('close', () => { clearTimeout(timer); resolve({ out, closed: true }); });
  });
}

function statusLines(out) {
  return out.match(/HTTP\/1\.[01] \d{3}/g) || [];
}

function parse(out) {
  const [head, body] = [out.slice(0, out.indexOf('\r\n\r\n')), out.slice(out.indexOf('\r\n\r\n') + 4)];
  const lines = head.split('\r\n');
  const headers = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(lines[0].split(' ')[1]), headers, body };
}

function assertOurRefusal(out, what) {
  assert.equal(statusLines(out).length, 1, `${what}: exactly one response, got:\n${out}`);
  const r = parse(out);
  assert.equal(r.status, 400, what);
  assert.equal(r.headers['x-content-type-options'], 'nosniff', what);
  assert.equal(r.headers['x-frame-options'], 'DENY', what);
  assert.match(r.headers['content-security-policy'] || '', /default-src 'self'/, what);
  assert.equal(r.headers['referrer-policy'], 'same-origin', what);
  assert.equal(r.headers['cache-control'], 'no-store', what);
  assert.match(r.headers['x-request-id'] || '', /^[0-9a-f]{8}-[0-9a-f]{8}$/, what);
  assert.match(r.headers['content-type'] || '', /^application\/json/, what);
  assert.equal(r.headers.connection, 'close', what);
  const body = JSON.parse(r.body);
  assert.equal(body.error.code, 'bad_request', what);
  assert.equal(typeof body.error.message, 'string', what);
  return r;
}

const SMUGGLED = 'GET /api/v1/units/SMUGGLED HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';

test('two Content-Length headers: one 400, connection closed, the hidden request never runs', async () => {
  const { out, closed } = await raw('POST /api/v1/units/lookup HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n' +
    `Content-Length: ${2 + SMUGGLED.length}\r\n\r\n{}${SMUGGLED}`);
  assert.ok(closed, 'the server closed the connection');
  assertOurRefusal(out, 'duplicate content-length');
});

test('Content-Length with Transfer-Encoding: chunked: one 400, connection closed', async () => {
  const chunk = `{}`;
  const body = `${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`;
  const { out, closed } = await raw('POST /api/v1/units/lookup HTTP/1.1\r\nHost: x\r\n' +
    `Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n${body}${SMUGGLED}`);
  assert.ok(closed, 'the server closed the connection');
  assertOurRefusal(out, 'content-length and transfer-encoding');
});

test('other ambiguous framings are refused the same way', async () => {
  const cases = {
    'same content-length twice': 'Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}',
    'list in content-length': 'Content-Length: 2, 70\r\n\r\n{}',
    'duplicate transfer-encoding': 'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    'folded header': 'Content-Length: 2\r\nX-A: b\r\n c\r\n\r\n{}',
  };
  for (const [what, rest] of Object.entries(cases)) {
    const { out, closed } = await raw(`POST /api/v1/units/lookup HTTP/1.1\r\nHost: x\r\n${rest}${SMUGGLED}`);
    assert.ok(closed, `${what}: closed`);
    assertOurRefusal(out, what);
  }
  const te10 = await raw('POST /api/v1/units/lookup HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n');
  assertOurRefusal(te10.out, 'transfer-encoding in HTTP/1.0');
  const star = await raw(`OPTIONS * HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`);
  assertOurRefusal(star.out, 'a path no route matches');
});

test('a well-framed keep-alive pipeline still gets every answer', async () => {
  const { out } = await raw('POST /api/v1/units/lookup HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}' +
    'GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' +
    'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  const codes = statusLines(out);
  assert.equal(codes.length, 3, out);
  assert.equal(codes[1], 'HTTP/1.1 200');
  assert.equal(codes[2], 'HTTP/1.1 200');
});

test('h2o refusals (too many headers, unknown version) carry our headers and a JSON body', async () => {
  let many = 'GET /healthz HTTP/1.1\r\nHost: x\r\n';
  for (let i = 0; i < 101; i++) many += `X-H${i}: ${i}\r\n`;
  const a = await raw(`${many}\r\n`);
  assert.ok(a.closed);
  assertOurRefusal(a.out, '101 headers');
  const b = await raw('GET / HTTP/9.9\r\nHost: x\r\n\r\n');
  assert.ok(b.closed);
  const r = assertOurRefusal(b.out, 'HTTP/9.9');
  assert.notEqual(r.headers['x-request-id'], parse(a.out).headers['x-request-id']);
});

test('refusals are in the access log; the smuggled path never is', async () => {
  // the log is written in batches: 400 ms as before (time for a smuggled request's line to show),
  // and longer if the refusals' lines are not there yet (a loaded machine), up to 10 s
  await new Promise((resolve) => setTimeout(resolve, 400));
  const read = () => readFileSync(accessLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const logged = (route) => { // false while the file is missing or a line half written
    try { return read().some((l) => l.status === 400 && l.route === route); } catch { return false; }
  };
  for (const until = Date.now() + 10000; !(logged('refused') && logged('malformed')) && Date.now() < until;)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const lines = read();
  assert.ok(lines.some((l) => l.status === 400 && l.route === 'refused'), 'framing refusals logged');
  assert.ok(lines.some((l) => l.status === 400 && l.route === 'malformed'), 'h2o refusals logged');
  assert.ok(!lines.some((l) => l.path.includes('SMUGGLED')), 'no smuggled request was served');
});
