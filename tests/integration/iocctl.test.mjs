// iocctl against a data directory, also while iocd serves it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, seededDataDir, Client, iocctl as run, tempDir, ROOT, waitForIndex } from './lib.mjs';
import { spawnSync } from 'node:child_process';
import { IOCCTL } from './lib.mjs';

// iocctl with an optional environment (lib.mjs's helper takes none)
function iocctl(data, args, input, env) {
  if (!env) return run(data, args, input);
  return spawnSync(IOCCTL, ['--data', data, ...args], { input, encoding: 'utf8', timeout: 60000, env: { ...process.env, ...env } });
}

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
  // the same name limit as the API (300 bytes), not the 200 of display names
  r = iocctl(data, ['agency', 'add', 'SO-LONG', 'Ủy ban '.repeat(30).trim().slice(0, 250)]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(iocctl(data, ['agency', 'add', 'SO-LONGER', 'x'.repeat(301)]).status, 2);
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
  r = iocctl(data, ['user', 'add', 'thu5', '--role', 'staff', '--agency', 'NO-SUCH', '--password-stdin'], 'thu-password-1\n');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /No agency has code NO-SUCH/);
  r = iocctl(data, ['user', 'add', 'thu', '--role', 'leader', '--password-stdin'], 'thu-password-1\n');
  assert.equal(r.status, 1, 'a taken username');
  assert.match(r.stderr, /exists/);
  r = iocctl(data, ['user', 'add', 'thu 6', '--role', 'leader', '--password-stdin'], 'thu-password-1\n');
  assert.equal(r.status, 2, 'a username with a space');
  r = iocctl(data, ['user', 'add', 'thu7', '--role', 'leader'], 'thu-password-1\n');
  assert.equal(r.status, 2, 'no password on the command line, only on stdin');
  r = iocctl(data, ['user', 'passwd', 'nobody', '--password-stdin'], 'thu-password-1\n');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no user nobody/);
  r = iocctl(data, ['user', 'disable', 'nobody']);
  assert.equal(r.status, 1);
  r = iocctl(data, ['agency', 'add', 'SO-UNIT', 'Gắn đơn vị', '--unit', '99999999']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no administrative unit 99999999/);
  r = iocctl(data, ['agency', 'add', 'SO-UNIT', 'Gắn đơn vị', '--unit', '26068', '--parent', 'UBND-75']);
  assert.equal(r.status, 0, r.stderr);
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
  assert.ok(!JSON.stringify(audit.body).includes('thu-password'), 'no password in the audit log');
  r = iocctl(data, ['user', 'enable', 'thu']);
  assert.equal(r.status, 0);
  assert.equal((await c.login('thu', 'thu-password-2')).status, 200);
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
  r = iocctl(data, ['key', 'create', '--agency', 'NO-SUCH', '--scope', 'read:units']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no agency NO-SUCH/);
  const admin = new Client(srv.url);
  await admin.login('admin');
  const audit = await admin.get('/api/v1/audit?actor=iocctl&action=key.*');
  const prefix = key.split('_')[1];
  assert.deepEqual(audit.body.entries.filter((e) => e.target === `key:${prefix}`).map((e) => e.action).sort(), ['key.create', 'key.revoke']);
  assert.ok(!JSON.stringify(audit.body).includes(key), 'the key itself is never audited');
});

test('citizen-key set issues the public page\'s key (write:reports only) and revokes the one before', async () => {
  const post = (key) => fetch(`${srv.url}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: key, service_code: 'o-nhiem', lat: '10.951', long: '106.821', description: 'Thử khóa trang công dân (dữ liệu mẫu)' }).toString(),
  });
  let r = iocctl(data, ['citizen-key', 'set', '--agency', 'NO-SUCH']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no agency NO-SUCH/);
  assert.equal(iocctl(data, ['citizen-key', 'set']).status, 2);
  r = iocctl(data, ['citizen-key', 'set', '--agency', 'VP-UBND']);
  assert.equal(r.status, 0, r.stderr);
  const first = r.stdout.trim().split('\n').pop();
  assert.match(first, /^ioc_[0-9a-f]{8}_[0-9a-f]{40}$/);
  assert.equal(iocctl(data, ['citizen-key', 'show']).stdout.trim(), first);
  const c = new Client(srv.url);
  const cfg = (await c.get('/api/v1/citizen/config')).body;
  assert.equal(cfg.api_key, first);
  assert.deepEqual([cfg.max_photos, cfg.max_photo_bytes], [5, 8 << 20], 'the [reports] photo limits');
  await waitForIndex(srv.url); // a report's place needs the point index
  assert.equal((await post(first)).status, 201);
  // write:reports only: it reads nothing
  assert.equal((await c.get('/api/v1/reports', { headers: { authorization: `Bearer ${first}` } })).status, 403);
  r = iocctl(data, ['citizen-key', 'set', '--agency', 'VP-UBND', '--name', 'Trang công dân 2']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /revoked/);
  const second = r.stdout.trim().split('\n').pop();
  assert.notEqual(second, first);
  assert.equal((await c.get('/api/v1/citizen/config')).body.api_key, second);
  assert.equal((await post(second)).status, 201);
  assert.notEqual((await post(first)).status, 201, 'the page\'s old key stopped');
  const admin = new Client(srv.url);
  await admin.login('admin');
  const audit = await admin.get('/api/v1/audit?actor=iocctl&action=key.*');
  const of = (k) => audit.body.entries.filter((e) => e.target === `key:${k.split('_')[1]}`).map((e) => e.action).sort();
  assert.deepEqual(of(first), ['key.create', 'key.revoke']);
  assert.deepEqual(of(second), ['key.create']);
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
  // iocd rebuilds its point index off the loops and answers from the previous one meanwhile
  // (before the first index exists: 503 starting). A build takes well under a second here, but
  // several seconds under ASan on a loaded machine, and the first one may still be running.
  let look;
  for (const until = Date.now() + 90000; Date.now() < until; await new Promise((res) => setTimeout(res, 100))) {
    look = await c.get('/api/v1/units/lookup?lat=1.05&lon=100.05');
    if (look.status !== 404 && look.status !== 503) break;
  }
  assert.equal(look.status, 200);
  assert.equal(look.body.commune.code, '99001');
  r = iocctl(data, ['import', 'units', path.join(dir, 'missing.geojson')]);
  assert.equal(r.status, 1);
  // a code twice in one file: refused, naming both features
  const dup = path.join(dir, 'dup.geojson');
  writeFileSync(dup, JSON.stringify({ type: 'FeatureCollection', features: [good, { ...good, properties: { code: '99003', name: 'Ba' } }, good] }));
  r = iocctl(data, ['import', 'units', dup, '--valid-from', '2026-03-01']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /feature 2: code 99001 is also feature 0/);
  assert.equal((await c.get('/api/v1/units/99003')).status, 404);
  // a later version ends the earlier one the day before and keeps its parent
  const renamed = path.join(dir, 'renamed.geojson');
  writeFileSync(renamed, JSON.stringify({ type: 'FeatureCollection', features: [{ ...good, properties: { code: '99001', name: 'Khu Mới', full_name: 'Phường Khu Mới' } }] }));
  r = iocctl(data, ['import', 'units', renamed, '--valid-from', '2026-03-01']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 earlier versions ended/);
  const before = (await c.get('/api/v1/units/99001?at=2026-02-28')).body;
  const after = (await c.get('/api/v1/units/99001?at=2026-03-01')).body;
  assert.equal(before.name, 'Khu Thử');
  assert.equal(before.valid_to, '2026-02-28');
  assert.equal(after.name, 'Khu Mới');
  assert.equal(after.type, 'Phường');
  assert.equal(after.parent_code, '75');
  // an import older than an existing version is refused
  r = iocctl(data, ['import', 'units', renamed, '--valid-from', '2025-12-01']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /feature 0: unit 99001 has a later version from 2026-01-01/);
  r = iocctl(data, ['import', 'units', ok, '--valid-from', '2026-04-01', '--parent', 'NOPE']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no unit NOPE/);
});

test('usage errors exit 2 and touch nothing; help per command', () => {
  const d = tempDir();
  for (const args of [['frobnicate'], ['agency'], ['agency', 'add', 'A'], ['key', 'create'],
    ['user', 'add', 'x', '--role', 'admin'], ['import', 'units'], ['seed', 'everything'],
    ['backup'], ['restore'], ['agency', 'add', 'bad code', 'x'], ['agency', 'add', 'A', 'x', '--bogus'],
    ['key', 'revoke', 'abc'], ['import', 'units', 'f.geojson', '--valid-from', '2026-02-30'],
    ['import', 'units', 'f.geojson', '--level', 'county'], ['audit'], ['audit', 'prune'],
    ['audit', 'prune', '--before', '2026-01-01'], ['audit', 'export'], ['user', 'unlock'],
    ['agency', 'set'], ['user', 'set']]) {
    const r = iocctl(d, args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /usage: iocctl/);
  }
  assert.deepEqual(readdirSync(d), [], 'a usage error creates no database');
  let r = iocctl(d, ['check']);
  assert.equal(r.status, 1, 'check refuses a directory without a database');
  assert.match(r.stderr, /no ioc database/);
  assert.equal(iocctl(d, ['agency', 'list']).status, 1);
  assert.deepEqual(readdirSync(d), []);
  r = iocctl(d, ['--help']);
  assert.equal(r.status, 0);
  for (const c of ['agency add', 'agency set', 'user passwd', 'user unlock', 'key revoke', 'import units', 'seed demo', 'backup', 'restore', 'check', 'audit prune', 'audit export']) assert.ok(r.stdout.includes(c), c);
  r = iocctl(d, ['user', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /user passwd NAME --password-stdin/);
  assert.doesNotMatch(r.stdout, /key create/);
  assert.equal(iocctl(d, ['help', 'key']).status, 0);
});

test('seed units and demo on a fresh directory, each once', () => {
  const d = tempDir();
  const units = path.join(ROOT, 'data/vn-units');
  let r = iocctl(d, ['seed', 'units', '--from', units]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /loaded 390 units, 96 boundaries, 268 succession links/);
  r = iocctl(d, ['seed', 'units', '--from', units]);
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(d, ['seed', 'units', '--from', path.join(d, 'nowhere')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /units-2024.tsv/);
  r = iocctl(d, ['seed', 'demo'], '', {
    IOC_DEMO_PASSWORD_ADMIN: 'admin-pass-12', IOC_DEMO_PASSWORD_LEADER: '',
    IOC_DEMO_PASSWORD_OPERATOR: '', IOC_DEMO_PASSWORD_STAFF: '',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /admin: password from IOC_DEMO_PASSWORD_ADMIN/);
  assert.match(r.stdout, /staff: password [A-Za-z2-9]{12}$/m);
  assert.ok(!r.stdout.includes('admin-pass-12'));
  r = iocctl(d, ['seed', 'demo']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /exists already/);
  r = iocctl(d, ['agency', 'list']);
  const rows = r.stdout.trim().split('\n').map((l) => l.split('\t'));
  assert.equal(rows.length, 110);
  assert.deepEqual(rows.find((x) => x[0] === 'UBND-26068'), ['UBND-26068', 'Ủy ban nhân dân Phường Biên Hoà', 'UBND-75', '26068']);
  r = iocctl(d, ['user', 'list']);
  assert.equal(r.stdout.trim().split('\n').length, 4);
  r = iocctl(d, ['check']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^ok$/m);
});

test('backup and restore leave audit rows; restore refused while iocd serves the directory', async () => {
  const out = path.join(tempDir(), 'copy.db');
  let r = iocctl(data, ['backup', out]);
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(data, ['restore', out]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /stop it before a restore/);
  const admin = new Client(srv.url);
  await admin.login('admin');
  let audit = await admin.get('/api/v1/audit?actor=iocctl&action=store.*');
  assert.deepEqual(audit.body.entries.map((e) => [e.action, e.target]), [['store.backup', out]]);
  const fresh = tempDir();
  r = iocctl(fresh, ['restore', out]);
  assert.equal(r.status, 0, r.stderr);
  const srv2 = await startServer({ data: fresh });
  try {
    const a2 = new Client(srv2.url);
    assert.equal((await a2.login('admin')).status, 200);
    audit = await a2.get('/api/v1/audit?actor=iocctl&action=store.*');
    assert.deepEqual(audit.body.entries.map((e) => e.action), ['store.restore']);
  } finally {
    await srv2.stop();
    srv2.cleanup();
  }
});

test('iocctl agency set changes name, parent and unit; refuses a cycle and an unknown agency', async () => {
  let r = iocctl(data, ['agency', 'add', 'SET-TOP', 'Trên']);
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(data, ['agency', 'add', 'SET-LOW', 'Dưới', '--parent', 'SET-TOP']);
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(data, ['agency', 'set', 'SET-LOW', '--name', ' Dưới mới ', '--parent', '', '--unit', '26068']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /agency SET-LOW changed/);
  r = iocctl(data, ['agency', 'list']);
  assert.ok(r.stdout.split('\n').includes('SET-LOW\tDưới mới\t\t26068'), r.stdout);
  r = iocctl(data, ['agency', 'set', 'SET-LOW', '--parent', 'SET-TOP']);
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(data, ['agency', 'set', 'SET-TOP', '--parent', 'SET-LOW']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /parent_code: .*cycle/);
  r = iocctl(data, ['agency', 'set', 'SET-TOP', '--unit', '99999999']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unit_code: No administrative unit 99999999/);
  r = iocctl(data, ['agency', 'set', 'NO-SUCH', '--name', 'x']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no agency NO-SUCH/);
  r = iocctl(data, ['agency', 'set', 'SET-TOP', '--code', 'X']);
  assert.equal(r.status, 2, 'the code never changes');
  const admin = new Client(srv.url);
  await admin.login('admin');
  const a = await admin.get('/api/v1/audit?actor=iocctl&target=agency:SET-LOW&action=agency.update');
  assert.equal(a.body.count, 2);
  assert.deepEqual(JSON.parse(a.body.entries[1].detail), {
    before: { name: 'Dưới', parent_code: 'SET-TOP', unit_code: '' },
    after: { name: 'Dưới mới', parent_code: '', unit_code: '26068' },
  });
});

test('iocctl agency disable refuses its staff at once; enable lets them back', async () => {
  let r = iocctl(data, ['agency', 'add', 'DIS-AG', 'Sẽ tắt']);
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(data, ['user', 'add', 'dis-staff', '--role', 'staff', '--agency', 'DIS-AG', '--password-stdin'], 'dis-password-1\n');
  assert.equal(r.status, 0, r.stderr);
  const c = new Client(srv.url);
  assert.equal((await c.login('dis-staff', 'dis-password-1')).status, 200);
  r = iocctl(data, ['agency', 'disable', 'DIS-AG']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /agency DIS-AG disabled/);
  assert.equal((await c.get('/api/v1/session')).status, 401);
  assert.equal((await new Client(srv.url).login('dis-staff', 'dis-password-1')).status, 401);
  r = iocctl(data, ['agency', 'list']);
  assert.match(r.stdout, /^DIS-AG\tSẽ tắt\t\t\tdisabled$/m);
  r = iocctl(data, ['user', 'add', 'dis-2', '--role', 'staff', '--agency', 'DIS-AG', '--password-stdin'], 'dis-password-1\n');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /disabled/);
  r = iocctl(data, ['agency', 'enable', 'DIS-AG']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await new Client(srv.url).login('dis-staff', 'dis-password-1')).status, 200);
});

test('iocctl user set changes role, agency and display name; staff need an agency', async () => {
  let r = iocctl(data, ['user', 'add', 'set-op', '--role', 'operator', '--password-stdin'], 'set-password-1\n');
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(data, ['user', 'set', 'set-op', '--role', 'staff']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /agency_code: Agency staff must belong to an agency/);
  r = iocctl(data, ['user', 'set', 'set-op', '--role', 'staff', '--agency', 'UBND-75', '--display', 'Cán bộ mới']);
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(data, ['user', 'list']);
  assert.match(r.stdout, /^set-op\tstaff\tUBND-75\tCán bộ mới$/m);
  r = iocctl(data, ['user', 'set', 'set-op', '--role', 'emperor']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /role: /);
  r = iocctl(data, ['user', 'set', 'nobody', '--display', 'x']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no user nobody/);
});

test('iocctl user disable and user set keep the last enabled admin', async () => {
  let r = iocctl(data, ['user', 'list']);
  const admins = r.stdout.split('\n').filter((l) => l.split('\t')[1] === 'admin' && !l.endsWith('\tdisabled'));
  assert.deepEqual(admins.map((l) => l.split('\t')[0]), ['admin']);
  r = iocctl(data, ['user', 'disable', 'admin']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /last enabled admin/);
  r = iocctl(data, ['user', 'set', 'admin', '--role', 'leader']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /last enabled admin/);
  r = iocctl(data, ['user', 'add', 'admin2', '--role', 'admin', '--password-stdin'], 'admin2-password-1\n');
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(data, ['user', 'disable', 'admin2']);
  assert.equal(r.status, 0, 'not the last one');
  r = iocctl(data, ['user', 'enable', 'admin2']);
  assert.equal(r.status, 0);
});
