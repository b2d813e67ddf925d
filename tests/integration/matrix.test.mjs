// Every route × every kind of caller → the expected status. The route list comes from the
// router itself (iocd --routes), so a route added without a row fails this test. The rows are
// one file per module, tests/integration/matrix/<module>.mjs (a new module adds a file); the
// callers and the helpers rows use are in matrix_lib.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { startDemo, Client, IOCD, PASSWORDS, ROOT } from './lib.mjs';
import { CALLERS, ALL_SCOPES, ADMIN_ONLY, STAFF_SCOPES } from './matrix_lib.mjs';

let srv;
const who = {};

// The router's routes: [method, pattern, name, need, scope, module].
const ROUTES = spawnSync(IOCD, ['--routes'], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.split('\t'));
const MODULES = [...new Set(ROUTES.map((r) => r[5]))];

// tests/integration/matrix/<module>.mjs, each exporting its rows: { module → { name → row } }.
const MATRIX_DIR = path.join(ROOT, 'tests/integration/matrix');
const BY_MODULE = {};
for (const f of readdirSync(MATRIX_DIR).filter((x) => x.endsWith('.mjs')).sort())
  BY_MODULE[f.slice(0, -4)] = (await import(path.join(MATRIX_DIR, f))).rows;

// Every row, in the router's module order; rows marked last (they end the caller's session)
// after all others.
const ROWS = {};
const ordered = [...MODULES, ...Object.keys(BY_MODULE).filter((m) => !MODULES.includes(m))]
  .flatMap((m) => Object.entries(BY_MODULE[m] || {}));
for (const [name, row] of [...ordered.filter(([, r]) => !r.last), ...ordered.filter(([, r]) => r.last)]) ROWS[name] = row;

async function call(caller, method, path, body) {
  const cl = who[caller];
  return cl.req(method, path, { body });
}

before(async () => {
  // anonymous refusals are limited per address (limits.refused_burst; tests/integration/
  // login_limits.test.mjs tests that): here one address asks every route anonymously
  srv = await startDemo({ env: { IOC_LIMITS_REFUSED_BURST: '100000' } });
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
  const names = ROUTES.map((r) => r[2]);
  for (const n of names) assert.ok(ROWS[n], `route ${n} has no row in the matrix`);
  for (const n of Object.keys(ROWS)) assert.ok(names.includes(n), `row ${n} names no route`);
});

test('the rows of each module are in its own file, and each file is a module', () => {
  assert.deepEqual(Object.keys(BY_MODULE).sort(), [...MODULES].sort(), 'one file of matrix/ per module');
  const seen = {};
  for (const [m, rows] of Object.entries(BY_MODULE)) {
    for (const n of Object.keys(rows)) {
      assert.ok(!seen[n], `row ${n} is in matrix/${seen[n]}.mjs and matrix/${m}.mjs`);
      seen[n] = m;
    }
  }
  for (const [, , name, , , module] of ROUTES) assert.equal(seen[name], module, `row ${name} belongs in matrix/${module}.mjs`);
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
