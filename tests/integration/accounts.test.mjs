// Sessions, CSRF, the login rate limit, API keys and the audit log, through the real API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, Client, PASSWORDS } from './lib.mjs';

let srv;
before(async () => { srv = await startDemo({ env: { IOC_AUTH_LOGIN_MAX_FAILURES: '5' } }); });
after(async () => { await srv.stop(); srv.cleanup(); });

test('login sets an HttpOnly SameSite cookie, returns the user and a CSRF token; logout ends it', async () => {
  const c = new Client(srv.url);
  const r = await c.login('operator');
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /ioc_session=[0-9a-f]{64}/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
  assert.equal(r.body.user.username, 'operator');
  assert.equal(r.body.user.role, 'operator');
  assert.match(r.body.user.display_name, /mẫu/, 'demo users are marked synthetic');
  assert.match(r.body.csrf_token, /^[0-9a-f]{64}$/);
  assert.ok(Date.parse(r.body.expires_at) > Date.now());
  const me = await c.get('/api/v1/session');
  assert.equal(me.status, 200);
  assert.equal(me.body.user.username, 'operator');
  const old = c.cookie;
  // rotation: logging in again replaces the session
  await c.login('operator');
  assert.notEqual(c.cookie, old);
  const stale = new Client(srv.url);
  stale.cookie = old;
  assert.equal((await stale.get('/api/v1/session')).status, 401);
  // a write without the CSRF token is refused
  const csrf = c.csrf;
  c.csrf = '';
  assert.equal((await c.del('/api/v1/session')).status, 403);
  c.csrf = 'x'.repeat(64);
  assert.equal((await c.del('/api/v1/session')).status, 403);
  c.csrf = csrf;
  const kept = c.cookie;
  assert.equal((await c.del('/api/v1/session')).status, 204);
  const after = new Client(srv.url);
  after.cookie = kept;
  assert.equal((await after.get('/api/v1/session')).status, 401);
});

test('wrong passwords: 401, then 429 with Retry-After from the limit on', async () => {
  const c = new Client(srv.url);
  const r0 = await c.login('leader', 'wrong-password-1');
  assert.equal(r0.status, 401);
  assert.equal(r0.body.error.code, 'bad_credentials');
  for (let i = 0; i < 4; i++) await c.login('leader', 'wrong-password-1');
  const r = await c.login('leader', PASSWORDS.leader);
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  // an unknown user answers exactly like a wrong password
  const u = await new Client(srv.url).post('/api/v1/session', { username: 'no-such-user', password: 'whatever-1' });
  assert.ok(u.status === 401 || u.status === 429);
});

test('validation names the field; duplicates are 409', async () => {
  const a = new Client(srv.url);
  await a.login('admin');
  let r = await a.post('/api/v1/users', { username: 'x y', role: 'operator', password: 'password-123' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'username');
  r = await a.post('/api/v1/users', { username: 'newstaff', role: 'staff', password: 'password-123' });
  assert.equal(r.body.error.field, 'agency_code');
  r = await a.post('/api/v1/users', { username: 'newop', role: 'emperor', password: 'password-123' });
  assert.equal(r.body.error.field, 'role');
  r = await a.post('/api/v1/users', { username: 'newop', role: 'operator', password: 'short' });
  assert.equal(r.body.error.field, 'password');
  r = await a.post('/api/v1/users', { username: 'newop', role: 'operator', password: 12345678 });
  assert.equal(r.body.error.field, 'password');
  r = await a.post('/api/v1/users', { username: 'newop', role: 'operator', password: 'password-123', display_name: 'Nguyễn Văn A' });
  assert.equal(r.status, 201);
  assert.equal(r.body.display_name, 'Nguyễn Văn A');
  r = await a.post('/api/v1/users', { username: 'newop', role: 'operator', password: 'password-123' });
  assert.equal(r.status, 409);
  r = await a.post('/api/v1/agencies', { code: 'SO-NNMT', name: 'dup' });
  assert.equal(r.status, 409);
  r = await a.post('/api/v1/agencies', { code: 'NEW-1', name: 'Mới', parent_code: 'NO-SUCH' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'parent_code');
  // NFD input is stored as NFC
  r = await a.post('/api/v1/agencies', { code: 'NFD-1', name: 'Ho\u0300a Bi\u0300nh' });
  assert.equal(r.status, 201);
  assert.equal(r.body.name, 'Hòa Bình'.normalize('NFC'));
});

test('API keys: shown once, stored hashed, scoped, per agency, revocable', async () => {
  const staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
  let r = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['read:agencies'], name: 'trạm quan trắc' });
  assert.equal(r.status, 201);
  const key = r.body.key;
  assert.match(key, /^ioc_[0-9a-f]{8}_[0-9a-f]{40}$/);
  assert.equal(key.split('_')[1], r.body.prefix);
  const list = await staff.get('/api/v1/keys');
  assert.ok(list.body.keys.some((k) => k.id === r.body.id));
  assert.ok(!list.text.includes(key), 'a listed key never shows the secret');
  // the key works with Bearer and Token
  const k = new Client(srv.url);
  let g = await k.get('/api/v1/agencies', { headers: { authorization: `Bearer ${key}` } });
  assert.equal(g.status, 200);
  g = await k.get('/api/v1/agencies', { headers: { authorization: `Token ${key}` } });
  assert.equal(g.status, 200);
  g = await k.get('/api/v1/audit', { headers: { authorization: `Bearer ${key}` } });
  assert.equal(g.status, 403, 'no read:audit scope');
  g = await k.get('/api/v1/agencies', { headers: { authorization: `Bearer ${key}x` } });
  assert.equal(g.status, 401);
  // unknown scope
  r = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['read:everything'] });
  assert.equal(r.status, 422);
  assert.match(r.body.error.message, /read:everything/);
  // another agency's staff cannot see or touch these keys
  const admin = new Client(srv.url);
  await admin.login('admin');
  await admin.post('/api/v1/agencies', { code: 'OTHER-AG', name: 'Khác' });
  await admin.post('/api/v1/users', { username: 'otherstaff', role: 'staff', agency_code: 'OTHER-AG', password: 'other-pass-123' });
  const other = new Client(srv.url);
  assert.equal((await other.login('otherstaff', 'other-pass-123')).status, 200);
  assert.equal((await other.get(`/api/v1/keys?agency=${agency}`)).status, 403);
  assert.ok(!(await other.get('/api/v1/keys')).body.keys.some((x) => x.id === r.body.id));
  const id = list.body.keys.find((x) => x.prefix === key.split('_')[1]).id;
  assert.equal((await other.del(`/api/v1/keys/${id}`)).status, 403);
  assert.equal((await other.post('/api/v1/keys', { agency_code: agency, scopes: ['read:agencies'] })).status, 403);
  // revoke: the key stops working at once
  assert.equal((await staff.del(`/api/v1/keys/${id}`)).status, 204);
  g = await k.get('/api/v1/agencies', { headers: { authorization: `Bearer ${key}` } });
  assert.equal(g.status, 401);
  assert.equal((await staff.del('/api/v1/keys/999999')).status, 404);
});

test('every state change leaves an audit row; admins can filter it', async () => {
  const admin = new Client(srv.url);
  await admin.login('admin');
  const code = `AUD-${process.pid}`;
  assert.equal((await admin.post('/api/v1/agencies', { code, name: 'Kiểm toán' })).status, 201);
  let r = await admin.get(`/api/v1/audit?action=agency.create&target=agency:${code}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.count, 1);
  const e = r.body.entries[0];
  assert.equal(e.actor, 'admin');
  assert.equal(e.role, 'admin');
  assert.equal(e.outcome, 'ok');
  assert.equal(e.ip, '127.0.0.1');
  assert.match(e.request_id, /^[0-9a-f]{8}-/);
  assert.ok(Math.abs(Date.parse(e.time) - Date.now()) < 60000);
  // failed logins and refused writes are audited too
  r = await admin.get('/api/v1/audit?action=session.*&outcome=denied');
  assert.ok(r.body.count >= 1);
  const op = new Client(srv.url);
  await op.login('operator');
  assert.equal((await op.post('/api/v1/agencies', { code: 'NOPE', name: 'x' })).status, 403);
  await new Promise((res) => setTimeout(res, 200));
  r = await admin.get('/api/v1/audit?actor=operator&outcome=denied');
  assert.ok(r.body.entries.some((x) => x.action === 'agencies.create'));
  // paging
  r = await admin.get('/api/v1/audit?limit=2');
  assert.equal(r.body.entries.length, 2);
  const next = await admin.get(`/api/v1/audit?limit=2&before=${r.body.next_before}`);
  assert.ok(next.body.entries[0].id < r.body.entries[1].id + 1);
  assert.equal((await admin.get('/api/v1/audit?since=yesterday')).status, 400);
  // numbers are read whole and bounded: no wrap-around, no trailing junk
  for (const q of ['limit=4294967297', 'limit=1x', 'limit=+5', 'limit= 5', 'before=0', 'before=99999999999999999999'])
    assert.equal((await admin.get(`/api/v1/audit?${q}`)).status, 400, q);
  // no secret ever reaches the audit log
  const all = await admin.get('/api/v1/audit?limit=1000');
  for (const pw of Object.values(PASSWORDS)) assert.ok(!all.text.includes(pw));
});

test('a key reaches only its own agency: audit rows, agencies it creates', async () => {
  const admin = new Client(srv.url);
  await admin.login('admin');
  await admin.post('/api/v1/agencies', { code: 'REACH-B', name: 'Cơ quan B' });
  await admin.post('/api/v1/users', { username: 'reachb', role: 'staff', agency_code: 'REACH-B', password: 'reachb-pass-123' });
  const b = new Client(srv.url);
  assert.equal((await b.login('reachb', 'reachb-pass-123')).status, 200);
  const staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const own = (await staff.get('/api/v1/session')).body.user.agency.code;
  // rows of both agencies exist: a key made by each agency's staff
  assert.equal((await b.post('/api/v1/keys', { agency_code: 'REACH-B', scopes: ['read:units'], name: 'b' })).status, 201);
  assert.equal((await staff.post('/api/v1/keys', { agency_code: own, scopes: ['read:units'], name: 'a' })).status, 201);
  const k = await admin.post('/api/v1/keys', { agency_code: own, scopes: ['read:audit', 'write:agencies'] });
  assert.equal(k.status, 201);
  const auth = { headers: { authorization: `Bearer ${k.body.key}` } };
  await new Promise((res) => setTimeout(res, 200));
  const mine = await admin.get('/api/v1/audit?limit=1000');
  assert.ok(mine.body.entries.some((e) => e.actor === 'reachb'), 'the admin sees every agency');
  const r = await new Client(srv.url).get('/api/v1/audit?limit=1000', auth);
  assert.equal(r.status, 200);
  assert.ok(r.body.entries.some((e) => e.actor === 'staff'), 'its own agency rows');
  assert.ok(!r.body.entries.some((e) => e.actor === 'reachb'), 'no row of another agency');
  assert.ok(!r.body.entries.some((e) => e.actor === 'admin'), 'no row without an agency');
  // agencies: under its own agency only
  const kc = new Client(srv.url);
  let a = await kc.post('/api/v1/agencies', { code: `KA-${process.pid}`, name: 'Tổ của khóa' }, auth);
  assert.equal(a.status, 201, JSON.stringify(a.body));
  assert.equal(a.body.parent_code, own);
  a = await kc.post('/api/v1/agencies', { code: `KB-${process.pid}`, name: 'Tổ', parent_code: own }, auth);
  assert.equal(a.status, 201);
  a = await kc.post('/api/v1/agencies', { code: `KC-${process.pid}`, name: 'Tổ', parent_code: 'REACH-B' }, auth);
  assert.equal(a.status, 403);
  a = await kc.post('/api/v1/agencies', { code: `KD-${process.pid}`, name: 'Tổ', parent_code: 'UBND-75' }, auth);
  assert.equal(a.status, 403);
  assert.equal((await admin.get(`/api/v1/agencies/KC-${process.pid}`)).status, 404);
  await new Promise((res) => setTimeout(res, 200));
  const d = await admin.get(`/api/v1/audit?target=agency:KD-${process.pid}&outcome=denied`);
  assert.equal(d.body.count, 1, 'the refusal is audited');
});

test('key scopes: one known scope per element, stored once each in canonical order', async () => {
  const staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
  for (const scopes of [['read:units', 1], ['read:units', null], [], ['read:units,read:reports'], ['read:units', ''], 'read:units,', 42, [['read:units']]]) {
    const r = await staff.post('/api/v1/keys', { agency_code: agency, scopes });
    assert.equal(r.status, 422, JSON.stringify(scopes));
    assert.equal(r.body.error.field, 'scopes', JSON.stringify(scopes));
  }
  const r = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['write:reports', 'read:units', 'read:reports', 'read:units', 'write:reports'] });
  assert.equal(r.status, 201);
  assert.equal(r.body.scopes, 'read:units,read:reports,write:reports');
  const s = await staff.post('/api/v1/keys', { agency_code: agency, scopes: 'read:reports,read:units,read:reports' });
  assert.equal(s.status, 201);
  assert.equal(s.body.scopes, 'read:units,read:reports');
});

test('names: trimmed, never blank or with control characters; unit_code in force today', async () => {
  const a = new Client(srv.url);
  await a.login('admin');
  let n = 0;
  const code = () => `NM-${process.pid}-${++n}`;
  for (const name of ['   ', '\t\n', 'Sở\u0007', 'Sở\u001b[31mĐỏ', 'Sở\u007f', 'Sở\u0085x', 'Sở\u009b', 'a\nb', 'Sở\u202eMTNN', '']) {
    const r = await a.post('/api/v1/agencies', { code: code(), name });
    assert.equal(r.status, 422, JSON.stringify(name));
    assert.equal(r.body.error.field, 'name', JSON.stringify(name));
  }
  let r = await a.post('/api/v1/agencies', { code: code(), name: '  Sở Mới\u00a0 ' });
  assert.equal(r.status, 201);
  assert.equal(r.body.name, 'Sở Mới');
  for (const display_name of ['  ', 'Lan\u001b]0;x\u0007', 'Lan\u2066']) {
    r = await a.post('/api/v1/users', { username: `dn${process.pid}${++n}`, role: 'operator', password: 'password-123', display_name });
    assert.equal(r.status, 422, JSON.stringify(display_name));
    assert.equal(r.body.error.field, 'display_name');
  }
  r = await a.post('/api/v1/users', { username: `dn${process.pid}ok`, role: 'operator', password: 'password-123', display_name: ' Nguyễn Lan ' });
  assert.equal(r.status, 201);
  assert.equal(r.body.display_name, 'Nguyễn Lan');
  // unit_code: a unit in force today; 26053 ended on 2025-06-30; 26068 is Biên Hoà today
  for (const unit_code of ['99999999', '26053', '']) {
    r = await a.post('/api/v1/agencies', { code: code(), name: 'Đơn vị', unit_code });
    if (unit_code === '') { assert.equal(r.status, 201); continue; }
    assert.equal(r.status, 422, unit_code);
    assert.equal(r.body.error.field, 'unit_code');
  }
  r = await a.post('/api/v1/agencies', { code: code(), name: 'Đơn vị', unit_code: '26068' });
  assert.equal(r.status, 201);
  assert.equal(r.body.unit_code, '26068');
  r = await a.post('/api/v1/agencies', { code: code(), name: 'Đơn vị', unit_code: 26068 });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'unit_code');
});

test('405 names each allowed method once', async () => {
  const r = await new Client(srv.url).post('/api/v1/units/lookup', {});
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET');
  const s = await new Client(srv.url).req('PATCH', '/api/v1/session');
  assert.equal(s.status, 405);
  assert.deepEqual(s.headers.get('allow').split(', ').sort(), ['DELETE', 'GET', 'POST']);
});
