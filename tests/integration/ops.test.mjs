// Running iocd: configuration, SIGTERM, start-up time, backups while serving, metrics that
// promtool accepts, and documents (configuration.md, OpenAPI) that match the binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, startDemo, seededDataDir, Client, iocctl, IOCD, ROOT, tempDir } from './lib.mjs';

test('a bad config file is refused with its file and line; env overrides the file', async () => {
  const dir = tempDir();
  const bad = path.join(dir, 'bad.ini');
  writeFileSync(bad, '[server]\nlisten = 127.0.0.1:0\n[http]\nmax_body = lots\n');
  let r = spawnSync(IOCD, ['--config', bad, '--data', dir], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.ini:4: http\.max_body/);
  writeFileSync(bad, '[server]\nthis is not a setting\n');
  r = spawnSync(IOCD, ['--config', bad, '--data', dir], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.ini:2/);
  writeFileSync(bad, '[nope]\nkey = 1\n');
  r = spawnSync(IOCD, ['--config', bad, '--data', dir], { encoding: 'utf8' });
  assert.match(r.stderr, /unknown setting nope\.key/);
  const good = path.join(dir, 'good.ini');
  writeFileSync(good, '[http]\nmax_body = 2048\n');
  const srv = await startServer({ args: ['--config', good], env: { IOC_HTTP_MAX_BODY: '1024' } });
  const c = new Client(srv.url);
  const res = await c.post('/api/v1/session', { username: 'a', password: 'x'.repeat(1500) });
  assert.equal(res.status, 413, 'the environment (1024) beat the file (2048)');
  await srv.stop();
  srv.cleanup();
});

test('SIGTERM: in-flight requests finish, exit 0 within 5 s; the next start is quick', async () => {
  const data = seededDataDir();
  let srv = await startServer({ data });
  const c = new Client(srv.url);
  await c.login('admin');
  const inflight = Array.from({ length: 20 }, (_, i) => c.post('/api/v1/agencies', { code: `TERM-${i}`, name: 'x' }));
  await new Promise((r) => setTimeout(r, 5));
  const t0 = Date.now();
  srv.proc.kill('SIGTERM');
  const results = await Promise.allSettled(inflight);
  const { code } = await srv.exited;
  assert.equal(code, 0);
  assert.ok(Date.now() - t0 < 5000, `exit took ${Date.now() - t0} ms`);
  const acked = results.filter((r) => r.status === 'fulfilled' && r.value.status === 201).map((r, i) => i);
  // start-up on a seeded directory
  const t1 = Date.now();
  srv = await startServer({ data, demo: true });
  const started = Date.now() - t1;
  assert.ok(started < 2000, `start took ${started} ms`);
  const c2 = new Client(srv.url);
  await c2.login('admin');
  const have = new Set((await c2.get('/api/v1/agencies')).body.agencies.map((a) => a.code));
  for (const r of results)
    if (r.status === 'fulfilled' && r.value.status === 201) assert.ok(have.has(r.value.body.code));
  void acked;
  await srv.stop();
  srv.cleanup();
});

test('backup while serving and writing, restore into a stopped directory', async () => {
  const data = seededDataDir();
  const srv = await startServer({ data });
  const c = new Client(srv.url);
  await c.login('admin');
  let stop = false, n = 0;
  const writer = (async () => { while (!stop) { await c.post('/api/v1/agencies', { code: `BK-${n++}`, name: 'sao lưu' }); } })();
  await new Promise((r) => setTimeout(r, 200));
  const out = path.join(tempDir(), 'backup.db');
  const b = iocctl(data, ['backup', out]);
  stop = true;
  await writer;
  assert.equal(b.status, 0, b.stderr);
  assert.ok(existsSync(out));
  // the restore refuses while the server runs
  const busy = iocctl(data, ['restore', out]);
  assert.notEqual(busy.status, 0);
  await srv.stop();
  const fresh = tempDir();
  let r = iocctl(fresh, ['restore', out]);
  assert.equal(r.status, 0, r.stderr);
  r = iocctl(fresh, ['check']);
  assert.equal(r.status, 0);
  const srv2 = await startServer({ data: fresh });
  const c2 = new Client(srv2.url);
  assert.equal((await c2.login('admin')).status, 200);
  const codes = (await c2.get('/api/v1/agencies')).body.agencies.map((a) => a.code);
  assert.ok(codes.includes('BK-0'));
  assert.equal((await c2.get('/api/v1/units?level=commune')).body.count, 95);
  // a file that is not a database is refused
  const junk = path.join(tempDir(), 'junk.db');
  writeFileSync(junk, 'not a database at all');
  await srv2.stop();
  r = iocctl(fresh, ['restore', junk]);
  assert.notEqual(r.status, 0);
  srv.cleanup();
  srv2.cleanup();
});

test('/metrics passes promtool and counts requests by route and status', async () => {
  const srv = await startDemo();
  const c = new Client(srv.url);
  await c.get('/api/v1/units?level=commune');
  await c.get('/api/v1/nothing');
  const r = await c.get('/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/plain/);
  assert.match(r.text, /ioc_http_requests_total\{route="units.list",status="200"\} 1/);
  assert.match(r.text, /ioc_http_requests_total\{route="other",status="404"\} 1/);
  assert.match(r.text, /ioc_http_request_duration_seconds_bucket\{route="units.list",le="\+Inf"\} 1/);
  assert.match(r.text, /ioc_db_size_bytes \d+/);
  assert.match(r.text, /process_resident_memory_bytes \d+/);
  const p = spawnSync('promtool', ['check', 'metrics'], { input: r.text, encoding: 'utf8' });
  assert.equal(p.status, 0, p.stdout + p.stderr);
  await srv.stop();
  srv.cleanup();
});

test('the OpenAPI document describes exactly the routes of the router', async () => {
  const out = spawnSync(IOCD, ['--openapi'], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  const doc = JSON.parse(out.stdout);
  const routes = spawnSync(IOCD, ['--routes'], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.split('\t'));
  const fromDoc = new Set();
  for (const [p, ops] of Object.entries(doc.paths)) for (const m of Object.keys(ops)) fromDoc.add(`${m.toUpperCase()} ${p}`);
  const fromRouter = new Set(routes.map(([m, p]) => `${m} ${p}`));
  assert.equal(fromRouter.size, routes.length, 'no two routes share a method and a pattern');
  assert.equal(new Set(routes.map((r) => r[2])).size, routes.length, 'no two routes share a name');
  for (const r of fromRouter) assert.ok(fromDoc.has(r), `${r} is missing from the OpenAPI document`);
  for (const r of fromDoc) assert.ok(fromRouter.has(r), `${r} is in the OpenAPI document but not in the router`);
  for (const [m, p, name] of routes) assert.equal(doc.paths[p][m.toLowerCase()].operationId, name);
  for (const ref of out.stdout.matchAll(/"\$ref": "#\/components\/(\w+)\/(\w+)"/g)) assert.ok(doc.components[ref[1]]?.[ref[2]], `${ref[0]} resolves`);
  const srv = await startServer();
  const res = await fetch(srv.url + '/api/openapi.json');
  assert.equal(await res.text(), out.stdout, 'served as iocd --openapi prints it');
  await srv.stop();
  srv.cleanup();
});

test('each module describes its own routes in its own file; no two modules the same path', () => {
  const dir = path.join(ROOT, 'src/api/openapi');
  const routes = spawnSync(IOCD, ['--routes'], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.split('\t'));
  const modules = [...new Set(routes.map((r) => r[5]))];
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  assert.deepEqual(files.sort(), ['base', ...modules].sort(), 'one fragment per module, and the base');
  const pathOwner = {};
  const componentOwner = {};
  for (const name of files) {
    const frag = JSON.parse(readFileSync(path.join(dir, name + '.json'), 'utf8'));
    for (const p of Object.keys(frag.paths || {})) {
      assert.ok(!pathOwner[p], `${p} is described by ${pathOwner[p]} and ${name}`);
      pathOwner[p] = name;
    }
    for (const [section, members] of Object.entries(frag.components || {})) {
      for (const k of Object.keys(members)) {
        const key = `${section}.${k}`;
        assert.ok(!componentOwner[key], `${key} is described by ${componentOwner[key]} and ${name}`);
        componentOwner[key] = name;
      }
    }
  }
  for (const [, p, name, , , module] of routes) assert.equal(pathOwner[p], module, `${name}: ${p} is described in ${module}.json`);
});

test('docs/configuration.md lists every setting with its default', () => {
  const table = spawnSync(IOCD, ['--config-doc'], { encoding: 'utf8' }).stdout.trim();
  const doc = readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8');
  for (const line of table.split('\n').filter((l) => l.startsWith('| `'))) assert.ok(doc.includes(line), `missing: ${line}`);
});
