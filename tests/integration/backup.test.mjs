// Backups and the WAL under load, audit retention, and the modes of the files iocd and iocctl
// create. Writers run in this process (async fetch) while iocctl and sqlite3 run as separate
// processes started with the async spawn, so the writes really go on during a backup or a read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { startServer, seededDataDir, Client, iocctl, IOCD, IOCCTL, DEMO_ENV, tempDir } from './lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const walSize = (data) => {
  try { return statSync(path.join(data, 'ioc.db-wal')).size; } catch { return 0; }
};

// Runs a program without blocking this process; resolves {status, stdout, stderr, ms}. Killed
// (status null) after limitMs.
function run(cmd, args, { input, limitMs = 30000 } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), limitMs);
    p.on('exit', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr, ms: Date.now() - t0 }); });
    if (input !== undefined) p.stdin.end(input);
  });
}

// Three writers (three admin sessions), each with `inFlight` requests creating agencies at all
// times, until done(); acked holds each code once its 201 came back.
async function writers(url, inFlight, prefix) {
  const state = { stop: false, acked: [], failed: 0 };
  const clients = [new Client(url), new Client(url), new Client(url)];
  for (const c of clients) assert.equal((await c.login('admin')).status, 200);
  const loops = clients.flatMap((c, w) => Array.from({ length: inFlight }, (_, k) => (async () => {
    for (let i = 0; !state.stop; i++) {
      const code = `${prefix}-${w}-${k}-${i}`;
      const r = await c.post('/api/v1/agencies', { code, name: 'ghi liên tục' });
      if (r.status === 201) state.acked.push(code); else state.failed++;
    }
  })()));
  state.done = async () => { state.stop = true; await Promise.all(loops); };
  return state;
}

test('a backup completes within 10 s while 3 writers (8 requests in flight each) run, and holds every write acknowledged before it', async () => {
  const data = seededDataDir();
  const srv = await startServer({ data });
  const w = await writers(srv.url, 8, 'BKW');
  await sleep(500);
  const before = [...w.acked];
  const out = path.join(tempDir(), 'live.db');
  const b = await run(IOCCTL, ['--data', data, 'backup', out], { limitMs: 10000 });
  const during = w.acked.length - before.length;
  await sleep(200);
  await w.done();
  assert.equal(b.status, 0, `backup did not finish in 10 s while writing (${b.ms} ms): ${b.stderr}`);
  assert.ok(b.ms < 10000, `backup took ${b.ms} ms`);
  assert.ok(before.length > 0 && during > 0, `writes went on during the backup (${before.length} before, ${during} during)`);
  assert.equal(w.failed, 0);
  assert.equal((statSync(out).mode & 0o777), 0o600);
  assert.ok(!existsSync(`${out}.tmp`));
  // the copy passes integrity_check and holds every agency acknowledged before the backup began
  const fresh = tempDir();
  let r = iocctl(fresh, ['restore', out]);
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(fresh, ['check']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.trim(), 'ok');
  r = iocctl(fresh, ['agency', 'list']);
  const codes = new Set(r.stdout.split('\n').map((l) => l.split('\t')[0]));
  for (const code of before) assert.ok(codes.has(code), `${code} acknowledged before the backup is missing`);
  await srv.stop();
  srv.cleanup();
});

test('a long reader makes the WAL grow; once it ends and writes stop the WAL shrinks, and stays small after a stop', async () => {
  const data = seededDataDir();
  const srv = await startServer({ data });
  const c = new Client(srv.url);
  assert.equal((await c.login('admin')).status, 200);
  const w = await writers(srv.url, 4, 'WAL');
  await sleep(300);
  // a separate process holds one read transaction open while the writers go on
  const reader = spawn('sqlite3', [path.join(data, 'ioc.db')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let readerOut = '';
  reader.stdout.on('data', (d) => { readerOut += d; });
  reader.stdin.write('BEGIN;\nSELECT count(*) FROM agencies;\n');
  const readerExit = new Promise((resolve) => reader.on('exit', resolve));
  // held until the WAL passes 4 MB (about 4 s here; longer on a loaded machine or under ASan)
  let grown = 0;
  for (const until = Date.now() + 60000; grown <= 4 * 1048576 && Date.now() < until;) {
    await sleep(100);
    grown = Math.max(grown, walSize(data));
  }
  reader.stdin.end('COMMIT;\n.quit\n');
  await readerExit;
  assert.match(readerOut, /^\d+/m, 'the reader read');
  await sleep(300);
  await w.done();
  assert.ok(grown > 4 * 1048576, `the WAL grew while the reader held it (max ${grown} bytes, ${w.acked.length} writes)`);
  // writes stopped, the reader gone: within a few seconds the WAL is empty again (the writer's
  // idle checkpoint), and /metrics says so
  const t0 = Date.now();
  while (walSize(data) > 0 && Date.now() - t0 < 8000) await sleep(100);
  const after = walSize(data);
  assert.equal(after, 0, `WAL still ${after} bytes 8 s after the writes stopped (max ${grown})`);
  const m = await c.get('/metrics');
  assert.match(m.text, /^ioc_db_wal_size_bytes 0$/m);
  // some more writes, then a clean stop leaves a small WAL
  const w2 = await writers(srv.url, 4, 'WAL2');
  await sleep(500);
  await w2.done();
  assert.equal((await srv.stop()).code, 0, srv.stderr);
  assert.ok(walSize(data) < 4 * 1048576, `WAL ${walSize(data)} bytes after a clean stop`);
  const list = iocctl(data, ['agency', 'list']);
  for (const code of [...w.acked.slice(-3), ...w2.acked.slice(-3)]) assert.ok(list.stdout.includes(`${code}\t`), code);
  srv.cleanup();
});

test('the WAL a long reader grew is truncated at a clean stop even without an idle moment', async () => {
  const data = seededDataDir();
  const srv = await startServer({ data });
  const w = await writers(srv.url, 4, 'STOP');
  const reader = spawn('sqlite3', [path.join(data, 'ioc.db')], { stdio: ['pipe', 'ignore', 'ignore'] });
  reader.stdin.write('BEGIN;\nSELECT count(*) FROM agencies;\n');
  const readerExit = new Promise((resolve) => reader.on('exit', resolve));
  // until the WAL passes 4 MB (about 3 s here; longer on a loaded machine or under ASan)
  for (const until = Date.now() + 60000; walSize(data) <= 4 * 1048576 && Date.now() < until;) await sleep(200);
  const grown = walSize(data);
  reader.stdin.end('COMMIT;\n.quit\n');
  await readerExit;
  // stop while the writers still run: no idle period comes before the stop
  const stopped = srv.stop();
  await w.done();
  assert.equal((await stopped).code, 0, srv.stderr);
  assert.ok(grown > 4 * 1048576, `the WAL grew (${grown} bytes)`);
  assert.ok(walSize(data) < 4 * 1048576, `WAL ${walSize(data)} bytes after a clean stop (was ${grown})`);
  srv.cleanup();
});

test('audit prune exports the old rows as JSON lines, then deletes them and records the prune', async () => {
  const data = seededDataDir();
  // rows to prune: a few iocctl changes
  for (const code of ['AP-1', 'AP-2', 'AP-3']) assert.equal(iocctl(data, ['agency', 'add', code, 'cắt tỉa']).status, 0);
  const dir = tempDir();
  const file = path.join(dir, 'audit-old.jsonl');
  // refused without --export unless --no-export is explicit; nothing written, nothing deleted
  let r = iocctl(data, ['audit', 'prune', '--before', '2099-01-01']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--no-export/);
  r = iocctl(data, ['audit', 'prune', '--before', 'yesterday', '--export', file]);
  assert.equal(r.status, 2);
  assert.ok(!existsSync(file));
  const all = path.join(dir, 'all.jsonl');
  r = iocctl(data, ['audit', 'export', '--out', all]);
  assert.equal(r.status, 0, r.stderr);
  const rows = readFileSync(all, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(rows.length >= 3);
  assert.deepEqual(Object.keys(rows[0]), ['id', 'time', 'actor', 'role', 'action', 'target', 'ip', 'outcome', 'request_id', 'detail']);
  // an existing file is never replaced
  r = iocctl(data, ['audit', 'export', '--out', all]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /exists/);
  // a date in the past prunes nothing
  r = iocctl(data, ['audit', 'prune', '--before', '2000-01-01', '--export', path.join(dir, 'none.jsonl')]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(path.join(dir, 'none.jsonl'), 'utf8'), '');
  // everything before tomorrow: exported, then deleted
  const tomorrow = new Date(Date.now() + 2 * 86400000).toISOString().slice(0, 10);
  r = iocctl(data, ['audit', 'prune', '--before', tomorrow, '--export', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((statSync(file).mode & 0o777), 0o600);
  assert.ok(!existsSync(`${file}.tmp`));
  const pruned = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  // the rows exported before, then the row of the prune that deleted nothing
  assert.deepEqual(pruned.slice(0, rows.length), rows);
  assert.deepEqual(pruned.slice(rows.length).map((e) => e.action), ['audit.prune']);
  assert.ok(pruned.some((e) => e.action === 'agency.create' && e.target.includes('AP-2')));
  // what is left: the audit row of this prune only
  const rest = path.join(dir, 'rest.jsonl');
  r = iocctl(data, ['audit', 'export', '--out', rest]);
  const left = readFileSync(rest, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(left.length, 1);
  assert.equal(left[0].action, 'audit.prune');
  const detail = JSON.parse(left[0].detail);
  assert.equal(detail.deleted, pruned.length);
  assert.equal(detail.file, file);
  assert.match(detail.before, /^\d{4}-\d\d-\d\dT17:00:00/);
  // --no-export deletes without a file when asked explicitly
  r = iocctl(data, ['audit', 'prune', '--before', tomorrow, '--no-export']);
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(data, ['audit', 'export', '--out', path.join(dir, 'last.jsonl')]);
  const last = readFileSync(path.join(dir, 'last.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(last.map((e) => [e.action, JSON.parse(e.detail).deleted, JSON.parse(e.detail).file]), [['audit.prune', 1, null]]);
});

test('every file iocd and iocctl create under the data directory is 0600, directories 0700', async () => {
  const data = path.join(tempDir(), 'fresh');
  const seed = spawnSync(IOCD, ['--data', data, '--seed-only'], {
    env: { ...process.env, IOC_LOG_LEVEL: 'warn', ...DEMO_ENV }, encoding: 'utf8', timeout: 120000,
  });
  assert.equal(seed.status, 0, seed.stderr);
  const srv = await startServer({ data });
  const c = new Client(srv.url);
  assert.equal((await c.login('admin')).status, 200);
  assert.equal((await c.post('/api/v1/agencies', { code: 'MODE-1', name: 'quyền tệp' })).status, 201);
  // while serving: ioc.db, -wal, -shm, iocd.lock, access.log exist
  let r = await run(IOCCTL, ['--data', data, 'backup', path.join(data, 'backups', 'b.db')]);
  assert.notEqual(r.status, 0, 'a backup into a missing directory fails');
  r = await run(IOCCTL, ['--data', data, 'backup', path.join(data, 'b.db')]);
  assert.equal(r.status, 0, r.stderr);
  r = await run(IOCCTL, ['--data', data, 'audit', 'export', '--out', path.join(data, 'audit.jsonl')]);
  assert.equal(r.status, 0, r.stderr);
  const seen = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const mode = statSync(p).mode & 0o777;
      seen.push(e.name);
      if (e.isDirectory()) { assert.equal(mode, 0o700, `${p} is ${mode.toString(8)}`); walk(p); }
      else assert.equal(mode, 0o600, `${p} is ${mode.toString(8)}`);
    }
  };
  walk(data);
  for (const name of ['ioc.db', 'ioc.db-wal', 'ioc.db-shm', 'iocd.lock', 'access.log', 'demo-accounts.txt', 'b.db', 'audit.jsonl'])
    assert.ok(seen.includes(name), `${name} was checked (${seen.join(' ')})`);
  assert.equal(statSync(data).mode & 0o777, 0o700);
  await srv.stop();
  // a restore keeps the old database private too
  r = iocctl(data, ['restore', path.join(data, 'b.db')]);
  assert.equal(r.status, 0, r.stderr);
  walk(data);
  assert.ok(seen.includes('ioc.db.before-restore'));
  srv.cleanup();
});

test('telemetry: a backup while iocd takes writes holds every point acknowledged before it; restored into a new DATA_DIR, iocd serves them', async () => {
  const ENV = { IOC_TELEMETRY_SEAL_POINTS: '16' }; // chunks sealed and the log trimmed during the copy
  const PER_BATCH = 50, SPAN = 100, T0 = 1700000000, WRITERS = 4;
  const data = seededDataDir();
  const srv = await startServer({ data, demo: true, env: ENV });
  const staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
  const k = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['write:telemetry', 'read:telemetry'] });
  assert.equal(k.status, 201);
  const key = k.body.key;
  const acked = Array.from({ length: WRITERS }, () => new Set());
  const next = Array(WRITERS).fill(0);
  let stop = false;
  const writer = async (w) => {
    while (!stop) {
      const b = next[w]++;
      let body = '';
      for (let i = 0; i < PER_BATCH; i++) body += `bk,w=w${w} v=${b * 1000 + i} ${T0 + b * SPAN + i}\n`;
      const r = await fetch(`${srv.url}/write?precision=s`, { method: 'POST', headers: { authorization: `Token ${key}` }, body });
      await r.arrayBuffer();
      if (r.status === 204) acked[w].add(b);
    }
  };
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
  await sleep(700);
  const before = acked.map((s) => new Set(s));
  const out = path.join(tempDir(), 'tele.db');
  const b = await run(IOCCTL, ['--data', data, 'backup', out], { limitMs: 30000 });
  const during = acked.reduce((n, s) => n + s.size, 0) - before.reduce((n, s) => n + s.size, 0);
  await sleep(200);
  stop = true;
  await Promise.all(writers);
  await srv.stop();
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /^telemetry: \d+ series, \d+ chunks, \d+ log records, \d+ bytes copied to .*tele\.db\.tsdb$/m);
  assert.ok(during > 0, 'writes went on during the backup');
  assert.ok(existsSync(`${out}.tsdb/series`) && !existsSync(`${out}.tsdb.tmp`));
  assert.ok(!existsSync(`${out}.tsdb/backup.lock`));
  // a second backup to the same FILE is refused before anything is written
  const again = iocctl(data, ['backup', out]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /tele\.db\.tsdb exists/);

  const fresh = tempDir();
  let r = iocctl(fresh, ['restore', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^telemetry: \d+ series, .* restored from /m);
  const srv2 = await startServer({ data: fresh, env: ENV });
  const end = T0 + Math.max(...next) * SPAN;
  const q = await fetch(`${srv2.url}/api/v1/query?measurement=bk&field=v&start=${T0}&end=${end}&step=${SPAN}s&agg=count&group=w`,
                        { headers: { authorization: `Bearer ${key}` } });
  assert.equal(q.status, 200, await q.clone().text());
  const j = await q.json();
  const lost = [];
  for (let w = 0; w < WRITERS; w++) {
    const ser = j.series.find((s) => s.tags.w === `w${w}`);
    for (const bt of before[w]) {
      const n = ser ? ser.points[bt][1] : 0;
      if (n !== PER_BATCH) lost.push(`w${w} batch ${bt}: ${n} of ${PER_BATCH}`);
    }
  }
  assert.ok(before.reduce((n, s) => n + s.size, 0) > 10);
  assert.deepEqual(lost, [], `${lost.length} batches acknowledged before the backup are incomplete in the copy`);
  await srv2.stop();
  // a restore while iocd runs is refused, and keeps the telemetry in place
  const srv3 = await startServer({ data: fresh, env: ENV });
  r = iocctl(fresh, ['restore', out]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /stop it before a restore/);
  await srv3.stop();
  // restored again while stopped: the telemetry it replaced is kept beside it
  r = iocctl(fresh, ['restore', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(path.join(fresh, 'tsdb.before-restore', 'wal')));
  srv.cleanup();
  srv3.cleanup();
});
