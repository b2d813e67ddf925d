// Every route × every kind of caller → the expected status. The route list comes from the
// router itself (iocd --routes), so a route added without a row here fails this test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startDemo, Client, IOCD, PASSWORDS } from './lib.mjs';

let srv;
const who = {};
let seq = 0;
const uniq = (p) => `${p}-${process.pid}-${++seq}`;

// keyScoped: made by admin with some admin-only scopes; keyUnscoped: read:units only;
// keyByAdmin: made by admin with every scope; keyByStaff: made by staffA with every scope staff
// may grant. All four belong to SO-NNMT (staffA's agency).
const CALLERS = ['anon', 'staffA', 'staffB', 'operator', 'leader', 'admin', 'keyScoped', 'keyUnscoped', 'keyByAdmin', 'keyByStaff'];
const ALL_SCOPES = ['read:audit', 'read:agencies', 'write:agencies', 'read:units', 'write:units', 'read:telemetry', 'write:telemetry', 'read:reports', 'write:reports', 'read:indicators', 'write:indicators', 'read:datasets'];
const ADMIN_ONLY = ['read:audit', 'write:agencies', 'write:units'];
const STAFF_SCOPES = ALL_SCOPES.filter((s) => !ADMIN_ONLY.includes(s));
const ALL = (s) => Object.fromEntries(CALLERS.map((k) => [k, s]));
const USERS = ['staffA', 'staffB', 'operator', 'leader', 'admin'];
const only = (allowed, okStatus, { keys = 403 } = {}) => Object.fromEntries(CALLERS.map((k) => [k,
  k === 'anon' ? 401 : allowed.includes(k) ? okStatus : k.startsWith('key') ? keys : 403]));

// name → how to call it and what each caller gets
const ROWS = {
  'health': { method: 'GET', path: () => '/healthz', expect: ALL(200) },
  'metrics': { method: 'GET', path: () => '/metrics', expect: ALL(200) },
  'openapi': { method: 'GET', path: () => '/api/openapi.json', expect: ALL(200) },
  'units.list': { method: 'GET', path: () => '/api/v1/units?q=bien', expect: ALL(200) },
  'units.geojson': { method: 'GET', path: () => '/api/v1/units.geojson?level=province&simplify=500', expect: ALL(200) },
  'units.lookup': { method: 'GET', path: () => '/api/v1/units/lookup?lat=10.95&lon=106.82', expect: ALL(200) },
  'units.get': { method: 'GET', path: () => '/api/v1/units/26068', expect: ALL(200) },
  'session.create': { method: 'POST', path: () => '/api/v1/session', body: () => ({ username: 'nobody', password: 'wrong-password' }), expect: ALL(401) },
  'session.get': { method: 'GET', path: () => '/api/v1/session', expect: only(USERS, 200) },
  'session.password': { method: 'PUT', path: () => '/api/v1/session/password', body: () => ({ current_password: 'not-the-password', new_password: 'whatever-123' }), expect: only(USERS, 422) },
  'agencies.list': { method: 'GET', path: () => '/api/v1/agencies', expect: { ...only(USERS, 200), keyScoped: 200, keyByAdmin: 200, keyByStaff: 200 } },
  'agencies.get': { method: 'GET', path: () => '/api/v1/agencies/SO-NNMT', expect: { ...only(USERS, 200), keyScoped: 200, keyByAdmin: 200, keyByStaff: 200 } },
  // a key creates agencies under its own agency only (the parent defaults to it)
  'agencies.create': { method: 'POST', path: () => '/api/v1/agencies', body: () => ({ code: uniq('AG'), name: 'Cơ quan thử (dữ liệu mẫu)' }), expect: { ...only(['admin'], 201), keyScoped: 201, keyByAdmin: 201 } },
  // only admins change agencies; a key, even with write:agencies, does not (nothing changes here: 200)
  'agencies.update': { method: 'PATCH', path: () => '/api/v1/agencies/TEST-B', body: () => ({ name: 'Cơ quan B (dữ liệu mẫu)' }), expect: only(['admin'], 200) },
  'users.list': { method: 'GET', path: () => '/api/v1/users', expect: only(['admin'], 200) },
  'users.create': { method: 'POST', path: () => '/api/v1/users', body: () => ({ username: uniq('u'), role: 'operator', password: 'password-123' }), expect: only(['admin'], 201) },
  'users.update': { method: 'PATCH', path: () => '/api/v1/users/matrixuser', body: () => ({ display_name: uniq('Người dùng thử') }), expect: only(['admin'], 200) },
  'users.password': { method: 'PUT', path: () => '/api/v1/users/matrixuser/password', body: () => ({ password: 'password-' + uniq('p') }), expect: only(['admin'], 204) },
  'keys.list': { method: 'GET', path: () => '/api/v1/keys', expect: only(['admin', 'staffA', 'staffB'], 200) },
  'keys.create': { method: 'POST', path: () => '/api/v1/keys', body: () => ({ agency_code: 'SO-NNMT', scopes: ['read:reports'] }), expect: only(['admin', 'staffA'], 201) },
  'keys.revoke': { method: 'DELETE', path: (ctx) => `/api/v1/keys/${ctx.keyId}`, prepare: true, expect: only(['admin', 'staffA'], 204) },
  // keys read their own agency's rows only (accounts.test.mjs checks the rows)
  'audit.list': { method: 'GET', path: () => '/api/v1/audit?limit=5', expect: { ...only(['admin'], 200), keyScoped: 200, keyByAdmin: 200 } },
  // last: it ends the caller's session
  'session.delete': { method: 'DELETE', path: () => '/api/v1/session', expect: only(USERS, 204) },
};

async function call(caller, method, path, body) {
  const cl = who[caller];
  return cl.req(method, path, { body });
}

before(async () => {
  srv = await startDemo();
  const admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  let r = await admin.post('/api/v1/agencies', { code: 'TEST-B', name: 'Cơ quan B (dữ liệu mẫu)' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await admin.post('/api/v1/users', { username: 'staffb', role: 'staff', agency_code: 'TEST-B', password: 'staffb-pass-123' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await admin.post('/api/v1/users', { username: 'matrixuser', role: 'operator', password: 'matrix-pass-123' });
  assert.equal(r.status, 201);
  const scopes = ['read:audit', 'read:agencies', 'write:agencies', 'read:reports'];
  const ks = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes, name: 'matrix scoped' });
  assert.equal(ks.status, 201, JSON.stringify(ks.body));
  const ku = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['read:units'], name: 'matrix unscoped' });
  const ka = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ALL_SCOPES, name: 'matrix by admin' });
  assert.equal(ka.status, 201, JSON.stringify(ka.body));
  who.anon = new Client(srv.url);
  who.admin = admin;
  for (const [name, user, pw] of [['staffA', 'staff'], ['staffB', 'staffb', 'staffb-pass-123'], ['operator', 'operator'], ['leader', 'leader']]) {
    who[name] = new Client(srv.url);
    assert.equal((await who[name].login(user, pw || PASSWORDS[user])).status, 200, name);
  }
  const kst = await who.staffA.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: STAFF_SCOPES, name: 'matrix by staff' });
  assert.equal(kst.status, 201, JSON.stringify(kst.body));
  const asKey = (name, key, scheme = 'Bearer') => {
    who[name] = new Client(srv.url);
    who[name].req = ((orig) => (m, p, o = {}) => orig.call(who[name], m, p, { ...o, headers: { authorization: `${scheme} ${key}` } }))(who[name].req);
  };
  asKey('keyScoped', ks.body.key);
  asKey('keyUnscoped', ku.body.key, 'Token');
  asKey('keyByAdmin', ka.body.key);
  asKey('keyByStaff', kst.body.key);
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('every route of the router has a row, and every row a route', () => {
  const out = spawnSync(IOCD, ['--routes'], { encoding: 'utf8' }).stdout.trim().split('\n');
  const names = out.map((l) => l.split('\t')[2]);
  for (const n of names) assert.ok(ROWS[n], `route ${n} has no row in the matrix`);
  for (const n of Object.keys(ROWS)) assert.ok(names.includes(n), `row ${n} names no route`);
});

test('route × caller → status', async () => {
  const failures = [];
  for (const [name, row] of Object.entries(ROWS)) {
    for (const caller of CALLERS) {
      const ctx = {};
      if (row.prepare) {
        const k = await who.admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['read:reports'] });
        ctx.keyId = k.body.id;
      }
      const r = await call(caller, row.method, row.path(ctx), row.body && row.body());
      if (r.status !== row.expect[caller]) failures.push(`${name} as ${caller}: ${r.status}, expected ${row.expect[caller]} ${r.text.slice(0, 120)}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('a key never carries more than its maker may do; operators and leaders make no keys', async () => {
  // fresh sessions: the route table test ended the callers' sessions
  const as = {};
  for (const [name, user] of [['staffA', 'staff'], ['operator', 'operator'], ['leader', 'leader'], ['admin', 'admin']]) {
    as[name] = new Client(srv.url);
    assert.equal((await as[name].login(user)).status, 200, name);
  }
  for (const scope of ADMIN_ONLY) {
    const r = await as.staffA.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['read:reports', scope] });
    assert.equal(r.status, 403, `staff granting ${scope}`);
    assert.equal(r.body.error.code, 'scope_not_allowed');
    assert.match(r.body.error.message, new RegExp(scope));
  }
  for (const caller of ['operator', 'leader']) {
    for (const scopes of [['read:units'], ['read:reports'], ALL_SCOPES]) {
      const r = await as[caller].post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes });
      assert.equal(r.status, 403, `${caller} ${scopes}`);
    }
  }
  // each refusal of staffA left a denied audit row naming the scope
  await new Promise((res) => setTimeout(res, 200));
  const a = await as.admin.get('/api/v1/audit?actor=staff&action=keys.create&outcome=denied&limit=100');
  for (const scope of ADMIN_ONLY) assert.ok(a.body.entries.some((e) => e.detail === scope), scope);
  // the key staffA made carries exactly what was asked, in canonical order
  const list = await as.admin.get('/api/v1/keys?agency=SO-NNMT');
  const k = list.body.keys.find((x) => x.name === 'matrix by staff');
  assert.equal(k.scopes, STAFF_SCOPES.join(','));
});
