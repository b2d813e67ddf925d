// The reproductions of issue 14 ("defects found by probing the platform as an attacker would"),
// replayed one by one against the real iocd. Each of them once succeeded; each test here states
// what the server must do instead. The thorough tests of each defence live beside the module
// (stress, http_strict, login_limits, backup, matrix, accounts, units); this file keeps the
// attacker's view in one place. See docs/security.md.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startDemo, Client, iocctl, tempDir, PASSWORDS } from './lib.mjs';

let srv;
let admin;
let seq = 0;
const uniq = (p) => `${p}-${process.pid}-${++seq}`;

before(async () => {
  srv = await startDemo({ env: { IOC_HTTP_TRUST_FORWARDED_FOR: 'true' } });
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
});
after(async () => {
  const r = await srv.stop();
  srv.cleanup();
  assert.equal(r.code, 0, `iocd exited ${r.code} ${r.signal}\n${srv.stderr}`);
});

// A client whose every request claims to come from addr (iocd trusts X-Forwarded-For from
// loopback when http.trust_forwarded_for is on).
function from(addr) {
  const c = new Client(srv.url);
  const orig = c.req.bind(c);
  c.req = (m, p, o = {}) => orig(m, p, { ...o, headers: { ...(o.headers || {}), 'x-forwarded-for': addr } });
  return c;
}

// Sends raw bytes on a new connection; resolves with everything received until the server
// closes (or wait ms pass).
function raw(bytes, wait = 3000) {
  const { hostname, port } = new URL(srv.url);
  return new Promise((resolve, reject) => {
    let out = '';
    let closed = false;
    const s = net.connect(Number(port), hostname, () => s.write(bytes));
    const timer = setTimeout(() => { s.destroy(); resolve({ out, closed }); }, wait);
    s.on('data', (d) => { out += d; });
    s.on('error', reject);
    s.on('close', () => { closed = true; clearTimeout(timer); resolve({ out, closed }); });
  });
}
const statusLines = (out) => out.match(/^HTTP\/1\.[01] \d{3}/gm) || [];

test('1. concurrent keep-alive writers do not take the server down', async () => {
  const { hostname, port } = new URL(srv.url);
  const conns = await Promise.all([0, 1, 2].map(async () => {
    const c = new Client(srv.url);
    assert.equal((await c.login('admin')).status, 200);
    return { c, agent: new http.Agent({ keepAlive: true, maxSockets: 1 }) };
  }));
  const post = ({ c, agent }, code) => new Promise((resolve, reject) => {
    const body = JSON.stringify({ code, name: 'Cơ quan thử tải (dữ liệu mẫu)' });
    const rq = http.request({ host: hostname, port, agent, method: 'POST', path: '/api/v1/agencies',
      headers: { 'content-type': 'application/json', cookie: c.cookie, 'x-csrf-token': c.csrf,
                 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    rq.on('error', reject);
    rq.end(body);
  });
  const deadline = Date.now() + 3000;
  const made = [[], [], []];
  await Promise.all(conns.map(async (k, i) => {
    while (Date.now() < deadline) {
      const code = uniq(`ST${i}`);
      assert.equal(await post(k, code), 201);
      made[i].push(code);
    }
  }));
  for (const k of conns) k.agent.destroy();
  assert.equal((await admin.get('/healthz')).status, 200);
  const list = (await admin.get('/api/v1/agencies')).body.agencies.map((a) => a.code);
  for (const code of made.flat()) assert.ok(list.includes(code), `acknowledged ${code} is stored`);
});

test('2. staff cannot mint a key with more than staff may do', async () => {
  const staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
  let r = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['read:audit', 'write:agencies'] });
  assert.equal(r.status, 403, JSON.stringify(r.body));
  r = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['read:reports'] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const key = new Client(srv.url);
  const get = (p) => key.req('GET', p, { headers: { authorization: `Bearer ${r.body.key}` } });
  assert.equal((await get('/api/v1/audit')).status, 403);
  const w = await key.req('POST', '/api/v1/agencies', {
    body: { code: uniq('K'), name: 'x' }, headers: { authorization: `Bearer ${r.body.key}` } });
  assert.equal(w.status, 403);
  // An admin's key with read:audit still sees only its own agency's entries.
  const ak = await admin.post('/api/v1/keys', { agency_code: agency, scopes: ['read:audit'] });
  assert.equal(ak.status, 201);
  const rows = await key.req('GET', '/api/v1/audit?limit=1000', { headers: { authorization: `Bearer ${ak.body.key}` } });
  assert.equal(rows.status, 200);
  assert.ok(rows.body.entries.length > 0, 'the agency sees its own entries');
  assert.ok(rows.body.entries.every((e) => e.actor === 'staff' || e.actor.startsWith('key:')),
    `only the agency's staff and keys: ${[...new Set(rows.body.entries.map((e) => e.actor))]}`);
});

test('3. two Content-Length headers, or Content-Length with chunked: 400 and closed', async () => {
  const smuggle = 'POST /api/v1/units/lookup HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 70\r\n\r\n'
    + '{}GET /api/v1/units/SMUGGLED HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
  let r = await raw(smuggle);
  assert.deepEqual(statusLines(r.out).map((l) => l.slice(-3)), ['400'], r.out);
  assert.ok(r.closed, 'the connection is closed');
  const te = 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n'
    + '0\r\n\r\nGET /api/v1/units/SMUGGLED HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
  r = await raw(te);
  assert.deepEqual(statusLines(r.out).map((l) => l.slice(-3)), ['400'], r.out);
  assert.ok(r.closed);
});

test('4. an empty parameter cannot poison the cached answer of another request', async () => {
  const c = new Client(srv.url);
  const plain = '/api/v1/units?level=commune&limit=7';
  const before1 = await c.get(plain);
  assert.equal(before1.body.count, 7);
  await c.get(`${plain}&parent=`);
  const again = await c.get(plain);
  assert.equal(again.status, 200);
  assert.equal(again.body.count, 7);
  assert.deepEqual(again.body, before1.body);
});

test('5. thirty parallel wrong passwords: the limit holds', async () => {
  const c = from('198.51.100.5');
  const rs = await Promise.all(Array.from({ length: 30 }, () =>
    c.post('/api/v1/session', { username: 'operator', password: 'wrong-password-1' })));
  const n401 = rs.filter((r) => r.status === 401).length;
  const n429 = rs.filter((r) => r.status === 429).length;
  assert.ok(n401 <= 10, `${n401} wrong passwords were checked`);
  assert.equal(n401 + n429, 30);
});

test('6. anonymous renders do not stall a login', async () => {
  const anon = from('198.51.100.6');
  const flood = Array.from({ length: 20 }, (_, i) =>
    anon.get(`/api/v1/units.geojson?level=commune&simplify=${100 + 37 * i}&at=2025-0${1 + (i % 9)}-1${i % 10}`));
  const t0 = Date.now();
  const login = await from('198.51.100.7').login('leader');
  const took = Date.now() - t0;
  assert.equal(login.status, 200);
  assert.ok(took < 2500, `login took ${took} ms during the render flood`);
  for (const r of await Promise.all(flood)) assert.ok([200, 429, 503].includes(r.status), `${r.status}`);
});

test('7. a backup completes while writers run', async () => {
  let stop = false;
  const writers = [0, 1, 2].map(async () => {
    const c = new Client(srv.url);
    await c.login('admin');
    while (!stop) await c.post('/api/v1/agencies', { code: uniq('BK'), name: 'Sao lưu (dữ liệu mẫu)' });
  });
  await new Promise((r) => setTimeout(r, 300));
  const dir = tempDir();
  const dest = path.join(dir, 'copy.db');
  const t0 = Date.now();
  const r = iocctl(srv.data, ['backup', dest]);
  const took = Date.now() - t0;
  stop = true;
  await Promise.all(writers);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(took < 10000, `backup took ${took} ms`);
  assert.equal(statSync(dest).mode & 0o777, 0o600, 'the backup is private');
});

test('8. failures from one address lock only that address', async () => {
  const evil = from('203.0.113.8');
  for (let i = 0; i < 10; i++) {
    const r = await evil.post('/api/v1/session', { username: 'leader', password: 'not-it-' + i });
    assert.equal(r.status, 401);
  }
  assert.equal((await evil.post('/api/v1/session', { username: 'leader', password: PASSWORDS.leader })).status, 429);
  assert.equal((await from('203.0.113.9').login('leader')).status, 200, 'the real leader still logs in');
  const u = iocctl(srv.data, ['user', 'unlock', 'leader']);
  assert.equal(u.status, 0, u.stderr);
  assert.equal((await evil.login('leader')).status, 200, 'an administrator lifted the lock');
});

test('9. wrong current passwords are limited too', async () => {
  const c = from('203.0.113.10');
  assert.equal((await c.login('operator')).status, 200);
  const statuses = [];
  for (let i = 0; i < 12; i++)
    statuses.push((await c.put('/api/v1/session/password', { current_password: 'guess-' + i, new_password: 'whatever-123' })).status);
  assert.ok(statuses.includes(429), statuses.join(','));
  assert.ok(statuses.filter((s) => s === 422).length <= 10);
});

test('10. anonymous refused writes cannot flood the audit log', async () => {
  const anon = from('203.0.113.11');
  const rs = [];
  for (let i = 0; i < 200; i++) rs.push((await anon.post('/api/v1/agencies', { code: 'X', name: 'x' })).status);
  assert.ok(rs.includes(429), 'the flood is slowed');
  const audit = await admin.get('/api/v1/audit?actor=anonymous&action=agencies.create&limit=1000');
  const rows = audit.body.entries.filter((e) => e.ip === '203.0.113.11');
  assert.ok(rows.length < 100, `${rows.length} audit rows for 200 refused writes`);
  assert.equal((await from('203.0.113.12').post('/api/v1/agencies', { code: 'X', name: 'x' })).status, 401,
    'another address is not affected');
});

test("11. h2o's own refusals carry our headers and a JSON body", async () => {
  const many = 'GET /healthz HTTP/1.1\r\nHost: x\r\n' + Array.from({ length: 101 }, (_, i) => `X-H${i}: v\r\n`).join('') + '\r\n';
  for (const req of [many, 'GET / HTTP/9.9\r\nHost: x\r\n\r\n']) {
    const r = await raw(req);
    assert.match(r.out, /^HTTP\/1\.1 400/, r.out);
    const head = r.out.split('\r\n\r\n')[0].toLowerCase();
    for (const h of ['x-request-id:', 'x-content-type-options: nosniff', 'x-frame-options: deny', 'content-security-policy:', 'content-type: application/json'])
      assert.ok(head.includes(h), `${h} missing in\n${head}`);
    const body = JSON.parse(r.out.split('\r\n\r\n')[1]);
    assert.equal(typeof body.error.code, 'string');
  }
});

test('12. input checks', async () => {
  let r = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['read:units', 1] });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'scopes');
  r = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['read:units', 'read:units', 'read:agencies'] });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.scopes.split(',').sort(), ['read:agencies', 'read:units']);
  for (const name of ['   ', 'Tên\u0007lạ', 'Tên\u0085lạ']) {
    r = await admin.post('/api/v1/agencies', { code: uniq('N'), name });
    assert.equal(r.status, 422, JSON.stringify(name));
    assert.equal(r.body.error.field, 'name');
  }
  r = await admin.post('/api/v1/agencies', { code: uniq('U'), name: 'Đơn vị lạ', unit_code: '99999' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'unit_code');
  r = await admin.post('/api/v1/units/lookup', {});
  assert.equal(r.status, 405);
  const allow = r.headers.get('allow').split(',').map((s) => s.trim());
  assert.deepEqual(allow, [...new Set(allow)], `Allow: ${allow}`);
  const dir = srv.data;
  for (const f of readdirSync(dir)) {
    const st = statSync(path.join(dir, f));
    if (st.isFile()) assert.equal(st.mode & 0o077, 0, `${f} is private (mode ${(st.mode & 0o777).toString(8)})`);
  }
});
