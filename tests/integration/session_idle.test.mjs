// The idle timeout of sessions (auth.session_idle_s, here 2 s): a session used within the window
// stays valid past it, one left unused is refused (401) and its row deleted with an audit row,
// GET /api/v1/session says when the session ends, uses are recorded without a writer job per
// request, and 0 turns the idle timeout off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { startDemo, Client } from './lib.mjs';

const IDLE_MS = 2000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let srv;
before(async () => {
  srv = await startDemo({ env: { IOC_AUTH_SESSION_IDLE_S: String(IDLE_MS / 1000) } });
});
after(async () => {
  await srv.stop();
  assert.doesNotMatch(srv.stderr, /ERROR: AddressSanitizer|runtime error:/); // under ASan/UBSan
  srv.cleanup();
});

// Rows of the sessions table whose token is the client's cookie (read by the sqlite3 CLI).
function sessionRows(c) {
  const token = c.cookie.replace(/^ioc_session=/, '');
  const hash = createHash('sha256').update(token).digest('hex');
  const r = spawnSync('sqlite3', [path.join(srv.data, 'ioc.db'),
    `SELECT count(*) FROM sessions WHERE token_hash = '${hash}'`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

async function metric(name) {
  const text = (await new Client(srv.url).get('/metrics')).text;
  const m = text.match(new RegExp(`^${name} (\\d+)`, 'm'));
  return m ? Number(m[1]) : NaN;
}

async function signedIn(role = 'operator') {
  const c = new Client(srv.url);
  const r = await c.login(role);
  assert.equal(r.status, 200);
  return { c, r };
}

test('login and GET /api/v1/session answer expires_at and idle_expires_at, consistent', async () => {
  const t0 = Date.now();
  const { c, r } = await signedIn();
  const expires = Date.parse(r.body.expires_at);
  const idle = Date.parse(r.body.idle_expires_at);
  assert.ok(Math.abs(expires - (t0 + 28800 * 1000)) < 5000, `expires_at ${r.body.expires_at}`);
  assert.ok(Math.abs(idle - (t0 + IDLE_MS)) < 1500, `idle_expires_at ${r.body.idle_expires_at}`);
  assert.ok(idle <= expires);
  await sleep(600); // past the touch interval (a tenth of the idle time)
  const t1 = Date.now();
  const g = await c.get('/api/v1/session');
  assert.equal(g.status, 200);
  assert.equal(g.body.user.username, 'operator');
  assert.equal(g.body.csrf_token, r.body.csrf_token);
  assert.equal(g.body.expires_at, r.body.expires_at, 'the absolute end does not move');
  const idle2 = Date.parse(g.body.idle_expires_at);
  assert.ok(idle2 > idle, 'GET /api/v1/session is a use: the idle end moved on');
  assert.ok(Math.abs(idle2 - (t1 + IDLE_MS)) < 1000, `idle_expires_at ${g.body.idle_expires_at}`);
  assert.ok(idle2 <= expires);
});

test('a session used within the idle window stays valid well past it', async () => {
  const { c } = await signedIn();
  const start = Date.now();
  while (Date.now() - start < 1.6 * IDLE_MS) {
    await sleep(IDLE_MS / 4);
    const r = await c.get('/api/v1/session');
    assert.equal(r.status, 200, `refused after ${Date.now() - start} ms of regular use`);
  }
  assert.equal(sessionRows(c), 1);
});

test('a session unused beyond the idle time is refused (401), its row deleted and audited', async () => {
  const { c } = await signedIn('staff');
  assert.equal(sessionRows(c), 1);
  await sleep(IDLE_MS + 300);
  const r = await c.get('/api/v1/session');
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, 'unauthenticated');
  // the deletion is queued on the writer: wait for it
  let rows = 1;
  for (let i = 0; i < 50 && rows; i++) {
    await sleep(50);
    rows = sessionRows(c);
  }
  assert.equal(rows, 0, 'the idle session row is deleted');
  // a write with the old cookie and its CSRF token is refused too
  const w = await c.put('/api/v1/session/password', { current_password: 'x', new_password: 'yyyyyyyy' });
  assert.equal(w.status, 401);
  // public routes answer as for anyone
  assert.equal((await c.get('/api/v1/units?level=province')).status, 200);
  const admin = (await signedIn('admin')).c;
  const a = await admin.get('/api/v1/audit?action=session.expire&target=user:staff&limit=10');
  assert.equal(a.status, 200);
  assert.equal(a.body.entries.length, 1, 'one audit row for one ended session');
  assert.equal(a.body.entries[0].actor, 'staff');
  assert.equal(a.body.entries[0].outcome, 'ok');
});

test('50 parallel requests of one session queue at most a few writer jobs', async () => {
  const { c } = await signedIn('leader');
  await sleep(IDLE_MS / 2); // a touch is due
  const before = await metric('ioc_store_writer_jobs_total');
  const rs = await Promise.all(Array.from({ length: 50 }, () => c.get('/api/v1/session')));
  assert.deepEqual([...new Set(rs.map((r) => r.status))], [200]);
  await sleep(200);
  const jobs = (await metric('ioc_store_writer_jobs_total')) - before;
  assert.ok(jobs >= 1 && jobs <= 3, `${jobs} writer jobs for 50 requests`);
});

test('auth.session_idle_s = 0: no idle timeout, idle_expires_at is null', async () => {
  const off = await startDemo({ env: { IOC_AUTH_SESSION_IDLE_S: '0' } });
  try {
    const c = new Client(off.url);
    const r = await c.login('operator');
    assert.equal(r.status, 200);
    assert.equal(r.body.idle_expires_at, null);
    const g = await c.get('/api/v1/session');
    assert.equal(g.status, 200);
    assert.equal(g.body.idle_expires_at, null);
    assert.equal(typeof g.body.expires_at, 'string');
  } finally {
    await off.stop();
    off.cleanup();
  }
});
