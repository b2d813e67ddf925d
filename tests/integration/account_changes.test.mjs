// Admins change and disable agencies and users through the API (PATCH): the rules of
// src/auth/accounts.c seen from outside, one behaviour per test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, Client } from './lib.mjs';

let srv, admin;
let seq = 0;
const uniq = (p) => `${p}-${process.pid}-${++seq}`;
const patch = (cl, p, body) => cl.req('PATCH', p, { body });
const settle = () => new Promise((res) => setTimeout(res, 150)); // audit rows are written async

before(async () => {
  srv = await startDemo();
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
});
after(async () => { await srv.stop(); srv.cleanup(); });

// A new agency (under parent, if given) with one staff user signed in; returns their client.
async function agencyWithStaff(parent) {
  const code = uniq('AG');
  let r = await admin.post('/api/v1/agencies', { code, name: `Cơ quan ${code}`, parent_code: parent });
  assert.equal(r.status, 201, r.text);
  const username = uniq('st');
  r = await admin.post('/api/v1/users', { username, role: 'staff', agency_code: code, password: 'staff-pass-123' });
  assert.equal(r.status, 201, r.text);
  const staff = new Client(srv.url);
  assert.equal((await staff.login(username, 'staff-pass-123')).status, 200);
  return { code, username, staff };
}

async function newUser(role, agency_code) {
  const username = uniq('u');
  const r = await admin.post('/api/v1/users', { username, role, agency_code, password: 'user-pass-1234' });
  assert.equal(r.status, 201, r.text);
  return username;
}

test('PATCH an agency changes only the fields sent and answers the agency as it is now', async () => {
  const { code } = await agencyWithStaff('UBND-75');
  const r = await patch(admin, `/api/v1/agencies/${code}`, { name: '  Sở Mới  ', unit_code: '75' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.code, code);
  assert.equal(r.body.name, 'Sở Mới');
  assert.equal(r.body.unit_code, '75');
  assert.equal(r.body.parent_code, 'UBND-75', 'not sent, not changed');
  assert.equal(r.body.disabled, false);
  const g = await admin.get(`/api/v1/agencies/${code}`);
  assert.deepEqual(g.body, r.body);
});

test('an agency can become a root with parent_code "" or null', async () => {
  const { code } = await agencyWithStaff('UBND-75');
  const r = await patch(admin, `/api/v1/agencies/${code}`, { parent_code: null });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.parent_code, '');
});

test('an agency code never changes and unknown fields are refused, naming them', async () => {
  const { code } = await agencyWithStaff();
  let r = await patch(admin, `/api/v1/agencies/${code}`, { code: 'OTHER' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'code');
  r = await patch(admin, `/api/v1/agencies/${code}`, { nmae: 'typo' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'nmae');
  r = await patch(admin, `/api/v1/agencies/${code}`, { disabled: 'yes' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'disabled');
});

test('PATCH of an unknown agency is 404', async () => {
  const r = await patch(admin, '/api/v1/agencies/NO-SUCH-AGENCY', { name: 'x' });
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'not_found');
});

test('a parent that is the agency or below it is refused 422 naming parent_code', async () => {
  const top = await agencyWithStaff();
  const mid = await agencyWithStaff(top.code);
  const low = await agencyWithStaff(mid.code);
  for (const parent of [top.code, mid.code, low.code]) {
    const r = await patch(admin, `/api/v1/agencies/${top.code}`, { parent_code: parent });
    assert.equal(r.status, 422, parent);
    assert.equal(r.body.error.field, 'parent_code');
  }
  const r = await patch(admin, `/api/v1/agencies/${top.code}`, { parent_code: 'NO-SUCH' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'parent_code');
});

test('an agency change checks the name and the unit like a creation', async () => {
  const { code } = await agencyWithStaff();
  let r = await patch(admin, `/api/v1/agencies/${code}`, { name: 'a\u0007b' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'name');
  r = await patch(admin, `/api/v1/agencies/${code}`, { name: '   ' });
  assert.equal(r.body.error.field, 'name');
  r = await patch(admin, `/api/v1/agencies/${code}`, { unit_code: '99999' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'unit_code');
});

test('disabling an agency ends its staff sessions and refuses their login; it still lists', async () => {
  const { code, username, staff } = await agencyWithStaff();
  assert.equal((await staff.get('/api/v1/session')).status, 200);
  const r = await patch(admin, `/api/v1/agencies/${code}`, { disabled: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.disabled, true);
  assert.equal((await staff.get('/api/v1/session')).status, 401, 'the session ended');
  const again = new Client(srv.url);
  const l = await again.login(username, 'staff-pass-123');
  assert.equal(l.status, 401, 'refused like a disabled user');
  assert.equal(l.body.error.code, 'bad_credentials');
  const list = await admin.get('/api/v1/agencies');
  const row = list.body.agencies.find((a) => a.code === code);
  assert.equal(row.disabled, true);
});

test('a disabled agency\'s API keys are refused, and work again once it is enabled', async () => {
  const { code } = await agencyWithStaff();
  const k = await admin.post('/api/v1/keys', { agency_code: code, scopes: ['read:agencies'] });
  assert.equal(k.status, 201, k.text);
  const auth = { headers: { authorization: `Bearer ${k.body.key}` } };
  const anon = new Client(srv.url);
  assert.equal((await anon.get('/api/v1/agencies', auth)).status, 200);
  assert.equal((await patch(admin, `/api/v1/agencies/${code}`, { disabled: true })).status, 200);
  assert.equal((await anon.get('/api/v1/agencies', auth)).status, 401);
  assert.equal((await patch(admin, `/api/v1/agencies/${code}`, { disabled: false })).status, 200);
  assert.equal((await anon.get('/api/v1/agencies', auth)).status, 200);
});

test('enabling an agency again lets its staff sign in', async () => {
  const { code, username } = await agencyWithStaff();
  await patch(admin, `/api/v1/agencies/${code}`, { disabled: true });
  await patch(admin, `/api/v1/agencies/${code}`, { disabled: false });
  assert.equal((await new Client(srv.url).login(username, 'staff-pass-123')).status, 200);
});

test('an agency change leaves one audit row with the fields before and after', async () => {
  const { code } = await agencyWithStaff();
  await patch(admin, `/api/v1/agencies/${code}`, { name: 'Tên mới' });
  await patch(admin, `/api/v1/agencies/${code}`, { disabled: true });
  await patch(admin, `/api/v1/agencies/${code}`, { disabled: true }); // nothing changes: no row
  await settle();
  const a = await admin.get(`/api/v1/audit?target=agency:${code}&limit=10`);
  const actions = a.body.entries.map((e) => e.action);
  assert.deepEqual(actions, ['agency.disable', 'agency.update', 'agency.create']);
  const upd = a.body.entries[1];
  assert.equal(upd.actor, 'admin');
  assert.equal(upd.outcome, 'ok');
  assert.deepEqual(JSON.parse(upd.detail), { before: { name: `Cơ quan ${code}` }, after: { name: 'Tên mới' } });
  assert.deepEqual(JSON.parse(a.body.entries[0].detail), { before: { disabled: false }, after: { disabled: true } });
});

test('a user cannot be created into a disabled agency', async () => {
  const { code } = await agencyWithStaff();
  await patch(admin, `/api/v1/agencies/${code}`, { disabled: true });
  const r = await admin.post('/api/v1/users', { username: uniq('u'), role: 'staff', agency_code: code, password: 'user-pass-1234' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'agency_code');
  assert.match(r.body.error.message, /disabled/);
});

test('PATCH a user changes role, agency and display name', async () => {
  const { code } = await agencyWithStaff();
  const u = await newUser('operator');
  const r = await patch(admin, `/api/v1/users/${u}`, { role: 'staff', agency_code: code, display_name: ' Nguyễn Thị B ' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.role, 'staff');
  assert.equal(r.body.agency_code, code);
  assert.equal(r.body.display_name, 'Nguyễn Thị B');
  assert.equal(r.body.disabled, false);
  assert.equal(r.body.password_hash, undefined);
});

test('staff need an agency: a change that leaves staff without one is 422 agency_code', async () => {
  const { username } = await agencyWithStaff();
  let r = await patch(admin, `/api/v1/users/${username}`, { agency_code: '' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'agency_code');
  const op = await newUser('operator');
  r = await patch(admin, `/api/v1/users/${op}`, { role: 'staff' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'agency_code');
});

test('a user change names the refused field: role, agency, display name, username, password', async () => {
  const u = await newUser('operator');
  const cases = [
    [{ role: 'emperor' }, 'role'], [{ agency_code: 'NO-SUCH' }, 'agency_code'],
    [{ display_name: 'x\u202ey' }, 'display_name'], [{ username: 'other' }, 'username'],
    [{ password: 'new-password-1' }, 'password'], [{ disabled: 1 }, 'disabled'],
  ];
  for (const [body, field] of cases) {
    const r = await patch(admin, `/api/v1/users/${u}`, body);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.body.error.field, field);
  }
});

test('PATCH of an unknown user is 404', async () => {
  const r = await patch(admin, '/api/v1/users/no-such-user', { display_name: 'x' });
  assert.equal(r.status, 404);
});

test('disabling a user ends their sessions and refuses their login', async () => {
  const u = await newUser('operator');
  const c = new Client(srv.url);
  assert.equal((await c.login(u, 'user-pass-1234')).status, 200);
  const r = await patch(admin, `/api/v1/users/${u}`, { disabled: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.disabled, true);
  assert.equal((await c.get('/api/v1/session')).status, 401);
  assert.equal((await new Client(srv.url).login(u, 'user-pass-1234')).status, 401);
  assert.equal((await patch(admin, `/api/v1/users/${u}`, { disabled: false })).status, 200);
  assert.equal((await new Client(srv.url).login(u, 'user-pass-1234')).status, 200);
});

test('an admin cannot disable or demote themselves: 409 self_lockout, audited as denied', async () => {
  const name = await newUser('admin');
  const me = new Client(srv.url);
  assert.equal((await me.login(name, 'user-pass-1234')).status, 200);
  for (const body of [{ disabled: true }, { role: 'leader' }]) {
    const r = await patch(me, `/api/v1/users/${name}`, body);
    assert.equal(r.status, 409, JSON.stringify(body));
    assert.equal(r.body.error.code, 'self_lockout');
  }
  assert.equal((await me.get('/api/v1/session')).status, 200, 'still an admin, still signed in');
  assert.equal((await patch(me, `/api/v1/users/${name}`, { display_name: 'Tôi' })).status, 200);
  await settle();
  const a = await admin.get(`/api/v1/audit?target=user:${name}&outcome=denied`);
  assert.equal(a.body.count, 2);
  assert.equal(a.body.entries[0].detail, 'self');
});

test('another admin can demote an admin while one stays enabled', async () => {
  const name = await newUser('admin');
  const r = await patch(admin, `/api/v1/users/${name}`, { role: 'operator' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.role, 'operator');
});

test('a user change leaves one audit row with the fields before and after, never a password', async () => {
  const u = await newUser('operator');
  await patch(admin, `/api/v1/users/${u}`, { role: 'leader', display_name: 'Lãnh đạo' });
  await patch(admin, `/api/v1/users/${u}`, { disabled: true });
  await patch(admin, `/api/v1/users/${u}`, { disabled: false });
  await settle();
  const a = await admin.get(`/api/v1/audit?target=user:${u}&limit=10`);
  assert.deepEqual(a.body.entries.map((e) => e.action), ['user.enable', 'user.disable', 'user.update', 'user.create']);
  assert.deepEqual(JSON.parse(a.body.entries[2].detail), {
    before: { display_name: u, role: 'operator' }, after: { display_name: 'Lãnh đạo', role: 'leader' },
  });
  for (const e of a.body.entries) assert.doesNotMatch(e.detail, /argon|password|user-pass/);
});
