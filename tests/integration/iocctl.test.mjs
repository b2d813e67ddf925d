// iocctl against a data directory, also while iocd serves it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, seededDataDir, Client, iocctl, tempDir } from './lib.mjs';

let srv, data;
before(async () => { data = seededDataDir(); srv = await startServer({ data }); });
after(async () => { await srv.stop(); srv.cleanup(); });

test('agencies and users, with audit rows, while iocd runs', async () => {
  let r = iocctl(data, ['agency', 'add', 'SO-TEST', 'Sở Thử nghiệm', '--parent', 'UBND-75']);
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(data, ['agency', 'add', 'SO-TEST', 'again']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /exists/);
  r = iocctl(data, ['agency', 'add', 'X-1', 'x', '--parent', 'NOPE']);
  assert.equal(r.status, 1);
  r = iocctl(data, ['agency', 'list']);
  const line = r.stdout.split('\n').find((l) => l.startsWith('SO-TEST\t'));
  assert.equal(line, 'SO-TEST\tSở Thử nghiệm\tUBND-75\t');
  r = iocctl(data, ['user', 'add', 'thu', '--role', 'staff', '--agency', 'SO-TEST', '--password-stdin'], 'thu-password-1\n');
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(data, ['user', 'add', 'thu2', '--role', 'staff', '--password-stdin'], 'thu-password-1\n');
  assert.equal(r.status, 2, 'staff need an agency');
  r = iocctl(data, ['user', 'add', 'thu3', '--role', 'emperor', '--password-stdin'], 'thu-password-1\n');
  assert.equal(r.status, 2);
  r = iocctl(data, ['user', 'add', 'thu4', '--role', 'operator', '--password-stdin'], 'short\n');
  assert.equal(r.status, 1);
  const c = new Client(srv.url);
  assert.equal((await c.login('thu', 'thu-password-1')).status, 200);
  r = iocctl(data, ['user', 'passwd', 'thu', '--password-stdin'], 'thu-password-2\n');
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await c.get('/api/v1/session')).status, 401, 'a new password ends the sessions');
  assert.equal((await c.login('thu', 'thu-password-2')).status, 200);
  r = iocctl(data, ['user', 'disable', 'thu']);
  assert.equal(r.status, 0);
  assert.equal((await c.get('/api/v1/session')).status, 401);
  r = iocctl(data, ['user', 'list']);
  assert.match(r.stdout, /^thu\tstaff\tSO-TEST\t.*\tdisabled$/m);
  const admin = new Client(srv.url);
  await admin.login('admin');
  const audit = await admin.get('/api/v1/audit?actor=iocctl');
  const actions = audit.body.entries.map((e) => e.action);
  for (const a of ['agency.create', 'user.create', 'user.password', 'user.disable']) assert.ok(actions.includes(a), a);
  assert.ok(audit.body.entries.every((e) => e.ip === 'local'));
});

test('keys: the new key alone on the last line, usable at once, revocable', async () => {
  let r = iocctl(data, ['key', 'create', '--agency', 'SO-NNMT', '--scope', 'read:agencies,read:audit', '--name', 'trạm']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const key = lines[lines.length - 1];
  assert.match(key, /^ioc_[0-9a-f]{8}_[0-9a-f]{40}$/);
  const c = new Client(srv.url);
  assert.equal((await c.get('/api/v1/audit', { headers: { authorization: `Bearer ${key}` } })).status, 200);
  r = iocctl(data, ['key', 'list', '--agency', 'SO-NNMT']);
  assert.ok(!r.stdout.includes(key));
  const id = r.stdout.split('\n').find((l) => l.includes(key.split('_')[1])).split('\t')[0];
  r = iocctl(data, ['key', 'revoke', id]);
  assert.equal(r.status, 0);
  assert.equal((await c.get('/api/v1/audit', { headers: { authorization: `Bearer ${key}` } })).status, 401);
  r = iocctl(data, ['key', 'create', '--agency', 'SO-NNMT', '--scope', 'read:all']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unknown scope read:all/);
  r = iocctl(data, ['key', 'revoke', '999999']);
  assert.equal(r.status, 1);
});

test('import units: invalid geometry refused with the feature index; valid units seen by iocd', async () => {
  const dir = tempDir();
  const bad = path.join(dir, 'bad.geojson');
  const good = { type: 'Feature', properties: { code: '99001', name: 'Khu Thử' }, geometry: { type: 'Polygon', coordinates: [[[100, 1], [100.1, 1], [100.1, 1.1], [100, 1.1], [100, 1]]] } };
  const bowtie = { type: 'Feature', properties: { code: '99002', name: 'Nơ' }, geometry: { type: 'Polygon', coordinates: [[[101, 1], [101.1, 1.1], [101.1, 1], [101, 1.1], [101, 1]]] } };
  writeFileSync(bad, JSON.stringify({ type: 'FeatureCollection', features: [good, bowtie] }));
  let r = iocctl(data, ['import', 'units', bad]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /feature 1: Self-intersection/);
  const c = new Client(srv.url);
  assert.equal((await c.get('/api/v1/units/99001')).status, 404, 'nothing of a refused file is stored');
  const ok = path.join(dir, 'ok.geojson');
  writeFileSync(ok, JSON.stringify({ type: 'FeatureCollection', features: [good] }));
  r = iocctl(data, ['import', 'units', ok, '--valid-from', '2026-01-01', '--parent', '75']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await c.get('/api/v1/units/99001')).body.name, 'Khu Thử');
  await new Promise((res) => setTimeout(res, 1100)); // iocd re-reads the units generation each second
  const look = await c.get('/api/v1/units/lookup?lat=1.05&lon=100.05');
  assert.equal(look.status, 200);
  assert.equal(look.body.commune.code, '99001');
  r = iocctl(data, ['import', 'units', path.join(dir, 'missing.geojson')]);
  assert.equal(r.status, 1);
});

test('usage errors exit 2', () => {
  const d = tempDir();
  assert.equal(iocctl(d, ['frobnicate']).status, 2);
  assert.equal(iocctl(d, ['agency']).status, 2);
  assert.equal(iocctl(d, ['key', 'create']).status, 2);
  const r = iocctl(d, ['check']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^ok$/m);
});
