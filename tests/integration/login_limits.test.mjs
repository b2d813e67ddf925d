// Password guessing and refused-request floods: guesses are counted before the password check
// (parallel guesses do not slip through), a lock binds one (user, address) pair and can be lifted
// with `iocctl user unlock`, wrong current passwords count like wrong logins, and anonymous refused
// writes are audited only within a budget per address.
// Addresses come from X-Forwarded-For, which iocd trusts from loopback when
// http.trust_forwarded_for is on (src/net/req.c).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, Client, PASSWORDS, iocctl } from './lib.mjs';

let srv;
before(async () => {
  srv = await startDemo({
    env: {
      IOC_HTTP_TRUST_FORWARDED_FOR: 'true',
      IOC_LIMITS_REFUSED_BURST: '5',
      IOC_LIMITS_REFUSED_RATE_PER_MIN: '1',
    },
  });
});
after(async () => {
  await srv.stop();
  assert.doesNotMatch(srv.stderr, /ERROR: AddressSanitizer|runtime error:/); // under ASan/UBSan
  srv.cleanup();
});

const from = (ip) => ({ headers: { 'x-forwarded-for': ip } });
const tally = (rs) => rs.reduce((m, r) => ({ ...m, [r.status]: (m[r.status] || 0) + 1 }), {});

async function loginFrom(ip, username, password) {
  return new Client(srv.url).post('/api/v1/session', { username, password }, from(ip));
}

async function metric(name) {
  const text = (await new Client(srv.url).get('/metrics')).text;
  const m = text.match(new RegExp(`^${name} (\\d+)`, 'm'));
  return m ? Number(m[1]) : NaN;
}

async function auditRows(query) {
  const admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  const r = await admin.get(`/api/v1/audit?${query}&limit=1000`);
  assert.equal(r.status, 200);
  return r.body.entries;
}

test('30 parallel wrong logins for one user: at most login.max_failures get 401, the rest 429', async () => {
  const rs = await Promise.all(Array.from({ length: 30 },
    () => loginFrom('203.0.113.1', 'operator', 'wrong-password-1')));
  const t = tally(rs);
  assert.ok((t[401] || 0) <= 10, `401s: ${JSON.stringify(t)}`);
  assert.equal((t[401] || 0) + (t[429] || 0), 30, JSON.stringify(t));
  for (const r of rs.filter((x) => x.status === 429)) {
    assert.equal(r.body.error.code, 'rate_limited');
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
  }
  // once the guesses in flight have failed, the pair is locked even with the right password
  let r = await loginFrom('203.0.113.1', 'operator', PASSWORDS.operator);
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) >= 1);
  r = await loginFrom('203.0.113.2', 'operator', PASSWORDS.operator);
  assert.equal(r.status, 200, 'the same user from another address signs in');
});

test('ten failures lock leader from that address only; iocctl user unlock lifts it while iocd runs', async () => {
  for (let i = 0; i < 10; i++)
    assert.equal((await loginFrom('198.51.100.7', 'leader', 'wrong-password-1')).status, 401);
  assert.equal((await loginFrom('198.51.100.7', 'leader', PASSWORDS.leader)).status, 429);
  assert.equal((await loginFrom('198.51.100.8', 'leader', PASSWORDS.leader)).status, 200,
    'an attacker elsewhere cannot lock leader out');
  const u = iocctl(srv.data, ['user', 'unlock', 'leader']);
  assert.equal(u.status, 0, u.stderr);
  assert.match(u.stdout, /leader unlocked/);
  assert.equal((await loginFrom('198.51.100.7', 'leader', PASSWORDS.leader)).status, 200);
  const rows = await auditRows('action=user.unlock');
  assert.ok(rows.some((e) => e.target === 'user:leader' && e.outcome === 'ok' && e.actor === 'iocctl'),
    JSON.stringify(rows));
  const none = iocctl(srv.data, ['user', 'unlock', 'no-such-user']);
  assert.notEqual(none.status, 0);
  assert.match(none.stderr, /no user no-such-user/);
});

test('PUT /api/v1/session/password: wrong current passwords are limited like logins', async () => {
  const ip = '192.0.2.44';
  const c = new Client(srv.url);
  const lr = await c.post('/api/v1/session', { username: 'staff', password: PASSWORDS.staff }, from(ip));
  assert.equal(lr.status, 200);
  c.csrf = lr.body.csrf_token;
  const change = (current) => c.put('/api/v1/session/password',
    { current_password: current, new_password: 'new-staff-pass-1' }, from(ip));
  const rs = await Promise.all(Array.from({ length: 15 }, () => change('wrong-password-1')));
  const t = tally(rs);
  assert.equal(t[422], 10, JSON.stringify(t));
  assert.equal(t[429], 5, JSON.stringify(t));
  const r = await change(PASSWORDS.staff);
  assert.equal(r.status, 429, 'locked even with the right password');
  assert.ok(Number(r.headers.get('retry-after')) >= 1);
  const rows = await auditRows('action=session.password&outcome=denied');
  assert.ok(rows.filter((e) => e.ip === ip).length >= 10, `${rows.length} rows`);
  // the password did not change
  assert.equal((await loginFrom('192.0.2.45', 'staff', PASSWORDS.staff)).status, 200);
});

test('200 anonymous refused writes: at most limits.refused_burst audit rows, the rest 429; others unaffected', async () => {
  const before429 = await metric('ioc_audit_suppressed_total');
  const c = new Client(srv.url);
  const rs = [];
  for (let i = 0; i < 10; i++) {
    rs.push(...await Promise.all(Array.from({ length: 20 },
      () => c.post('/api/v1/agencies', { code: 'X', name: 'x' }, from('203.0.113.99')))));
  }
  const t = tally(rs);
  assert.equal(t[401], 5, JSON.stringify(t));
  assert.equal(t[429], 195, JSON.stringify(t));
  const limited = rs.find((r) => r.status === 429);
  assert.equal(limited.body.error.code, 'rate_limited');
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  const other = await c.post('/api/v1/agencies', { code: 'X', name: 'x' }, from('203.0.113.100'));
  assert.equal(other.status, 401, 'another address keeps its own budget');
  await new Promise((r) => setTimeout(r, 300)); // refused writes are audited asynchronously
  const rows = await auditRows('action=agencies.create&outcome=denied');
  assert.equal(rows.filter((e) => e.ip === '203.0.113.99').length, 5);
  assert.equal(rows.filter((e) => e.ip === '203.0.113.100').length, 1);
  assert.equal(await metric('ioc_audit_suppressed_total'), before429 + 195);
});
