// The one table of error codes (src/base/errors.h) and the one number parser at the edges: the
// table in docs/api.md is exactly `iocd --errors`; every error iocd sends, from a handler or from
// the HTTP layer, carries a code of that table with its status; numbers from outside (query, path,
// --listen, iocctl arguments) are plain decimals or refused; the HTTP layer's refusals have their
// own rows in /metrics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, IOCD, startDemo, seededDataDir, tempDir, Client, iocctl } from './lib.mjs';

// code → status, from iocd itself
function table() {
  const r = spawnSync(IOCD, ['--errors'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').filter((l) => l.startsWith('| `'));
  return { rows, status: new Map(rows.map((l) => { const m = l.match(/^\| `([a-z_]+)` \| (\d{3}) \|/); return [m[1], Number(m[2])]; })) };
}

let srv;
let errors;
before(async () => {
  errors = table();
  srv = await startDemo({ env: { IOC_HTTP_MAX_BODY: '1024' } });
});
after(async () => { await srv.stop(); srv.cleanup(); });

// Sends raw bytes; resolves with everything the server wrote until it closed.
function raw(bytes) {
  const { hostname, port } = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname, () => s.write(bytes));
    let out = '';
    const timer = setTimeout(() => { s.destroy(); resolve(out); }, 3000);
    s.on('data', (d) => { out += d; });
    s.on('error', reject);
    s.on('close', () => { clearTimeout(timer); resolve(out); });
  });
}

function rawError(out) {
  const status = Number(out.split(' ')[1]);
  return { status, body: JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4)) };
}

test('docs/api.md lists exactly the error table of iocd --errors, in its order', () => {
  const doc = readFileSync(path.join(ROOT, 'docs/api.md'), 'utf8');
  const section = doc.slice(doc.indexOf('\n## Errors\n'), doc.indexOf('\n## ', doc.indexOf('\n## Errors\n') + 1));
  const documented = section.split('\n').filter((l) => l.startsWith('| `'));
  assert.ok(errors.rows.length >= 20, 'the table has the codes');
  assert.deepEqual(documented, errors.rows);
  assert.equal(new Set(errors.status.keys()).size, errors.rows.length, 'each code once');
});

test('every error from a handler or from the HTTP layer has a code of the table and its status', async () => {
  const c = new Client(srv.url);
  const admin = new Client(srv.url);
  await admin.login('admin');
  const seen = [];
  const check = (what, r, code) => {
    assert.equal(typeof r.body, 'object', `${what}: a JSON body`);
    assert.equal(r.body.error.code, code, what);
    assert.equal(errors.status.get(code), r.status, `${what}: ${code} has status ${r.status} in the table`);
    seen.push(code);
  };
  check('unknown api path', await c.get('/api/v1/nothing'), 'not_found');
  check('wrong method', await c.req('PUT', '/healthz'), 'method_not_allowed');
  check('unknown parameter', await c.get('/api/v1/units?color=red'), 'bad_query');
  check('not signed in', await c.get('/api/v1/session'), 'unauthenticated');
  check('bad key', await c.get('/api/v1/audit', { headers: { authorization: 'Bearer nope' } }), 'bad_credentials');
  check('no csrf', await new Client(srv.url).req('POST', '/api/v1/agencies', { body: {}, headers: { cookie: admin.cookie } }), 'csrf');
  check('wrong type', await admin.post('/api/v1/agencies', 'x', { headers: { 'content-type': 'text/plain' } }), 'unsupported_media_type');
  check('bad json', await admin.post('/api/v1/agencies', '{', { headers: { 'content-type': 'application/json' } }), 'bad_json');
  check('bad field', await admin.post('/api/v1/agencies', { code: 'a b', name: 'x' }), 'invalid_field');
  check('outside', await c.get('/api/v1/units/lookup?lat=0&lon=0'), 'outside');
  check('body over http.max_body (h2o)', await admin.post('/api/v1/agencies', 'x'.repeat(4096), { headers: { 'content-type': 'application/json' } }), 'body_too_large');
  check('missing static file (h2o)', await c.get('/no-such-file.txt'), 'not_found');
  const framing = rawError(await raw('POST /api/v1/units/lookup HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x'));
  check('ambiguous framing (net)', framing, 'bad_request');
  const malformed = rawError(await raw('GET / HTTP/9.9\r\nHost: x\r\n\r\n'));
  check('unparsable head (h2o, rewritten by net)', malformed, 'bad_request');
  assert.ok(seen.length >= 14);
});

test('numbers in the query are plain decimals: +5, " 5", 0x10, 1e1000 are bad_query', async () => {
  const c = new Client(srv.url);
  assert.equal((await c.get('/api/v1/units?level=province&limit=5')).status, 200);
  assert.equal((await c.get('/api/v1/units/lookup?lat=10.95&lon=106.82')).status, 200);
  assert.equal((await c.get('/api/v1/units/lookup?lat=1.095e1&lon=106.82')).status, 200);
  for (const q of ['/api/v1/units?level=province&limit=+5', '/api/v1/units?level=province&limit=%205',
    '/api/v1/units?level=province&offset=0x10', '/api/v1/units?level=province&limit=4294967297',
    '/api/v1/units.geojson?level=province&simplify=+50',
    '/api/v1/units/lookup?lat=+10.95&lon=106.82', '/api/v1/units/lookup?lat=0xA&lon=106.82',
    '/api/v1/units/lookup?lat=%2010.95&lon=106.82', '/api/v1/units/lookup?lat=1e1000&lon=106.82',
    '/api/v1/units/lookup?lat=10.95&lon=106.82e', '/api/v1/units/lookup?lat=.5&lon=106.82']) {
    const r = await c.get(q);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error.code, 'bad_query', q);
  }
});

test('a key id in the path is a plain decimal: DELETE /api/v1/keys/+ID does not revoke key ID', async () => {
  const admin = new Client(srv.url);
  await admin.login('admin');
  const k = await admin.post('/api/v1/keys', { agency_code: 'UBND-75', scopes: ['read:agencies'], name: 'numbers' });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  const bearer = { headers: { authorization: `Bearer ${k.body.key}` } };
  for (const p of [`+${k.body.id}`, `%2B${k.body.id}`, `%20${k.body.id}`, `${k.body.id}x`, `0x${k.body.id}`]) {
    const r = await admin.del(`/api/v1/keys/${p}`);
    assert.equal(r.status, 404, p);
    assert.equal(r.body.error.code, 'not_found', p);
  }
  assert.equal((await new Client(srv.url).get('/api/v1/agencies', bearer)).status, 200, 'the key still works');
  assert.equal((await admin.del(`/api/v1/keys/${k.body.id}`)).status, 204);
  assert.equal((await new Client(srv.url).get('/api/v1/agencies', bearer)).status, 401);
});

test('/metrics counts framing refusals as route "refused" and unparsable heads as "malformed"', async () => {
  await raw('POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
  await raw('GET / HTTP/9.9\r\nHost: x\r\n\r\n');
  const m = await (await fetch(`${srv.url}/metrics`)).text();
  const count = (route) => Number((m.match(new RegExp(`^ioc_http_requests_total\\{route="${route}",status="400"\\} (\\d+)$`, 'm')) || [])[1] || 0);
  assert.ok(count('refused') >= 1, m);
  assert.ok(count('malformed') >= 1, m);
  assert.equal(count('other'), 0, 'no 400 left under "other"');
  assert.match(m, /^ioc_http_request_duration_seconds_count\{route="malformed"\} \d+$/m);
});

test('iocd --listen refuses a port that is not a plain decimal', () => {
  for (const listen of ['127.0.0.1:+0', '127.0.0.1: 0', '127.0.0.1:', '127.0.0.1:0x0', '127.0.0.1:65536']) {
    const r = spawnSync(IOCD, ['--listen', listen, '--data', tempDir()], { encoding: 'utf8', timeout: 15000 });
    assert.notEqual(r.status, 0, `${listen}: iocd must not start (stdout ${r.stdout})`);
    assert.equal(r.signal, null, `${listen}: iocd exited by itself, not killed by the timeout`);
    assert.doesNotMatch(r.stdout, /listening on/, listen);
  }
});

test('iocctl key revoke takes a plain decimal id: +ID is a usage error and revokes nothing', () => {
  const data = seededDataDir();
  let r = iocctl(data, ['key', 'create', '--agency', 'UBND-75', '--scope', 'read:units', '--name', 'n']);
  assert.equal(r.status, 0, r.stderr);
  const id = r.stdout.match(/^key (\d+) created/m)[1];
  for (const arg of [`+${id}`, ` ${id}`, `${id} `, `0x${id}`]) {
    r = iocctl(data, ['key', 'revoke', arg]);
    assert.equal(r.status, 2, `${JSON.stringify(arg)}: ${r.stdout}${r.stderr}`);
  }
  r = iocctl(data, ['key', 'list']);
  const line = r.stdout.split('\n').find((l) => l.startsWith(`${id}\t`));
  assert.ok(line && !line.endsWith('\trevoked'), r.stdout);
  assert.equal(iocctl(data, ['key', 'revoke', id]).status, 0);
});
