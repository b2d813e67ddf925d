// The live streams through nginx, configured exactly as docs/deployment.md says (its `nginx`
// block, with TLS and HTTP/2 taken out and the ports put in): GET /api/v1/events and
// GET /api/v1/stream answer through the proxy, each event arrives within 3 s of the write that
// made it, heartbeats come through, and Last-Event-ID reaches iocd (a reconnect replays what was
// missed). The real nginx from Debian, on loopback; `nginx -t` must accept the guide's block.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, chmodSync, rmSync } from 'node:fs';
import { startDemo, Client, tempDir, ROOT } from './lib.mjs';

const NGINX = process.env.NGINX || '/usr/sbin/nginx';
let srv, nginx, dir, base, eventsKey, telKey, reportKey;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The guide's nginx block, made to run here: the same locations, limits and proxy settings.
function guideConfig(port, upstream, prefix) {
  const doc = readFileSync(path.join(ROOT, 'docs/deployment.md'), 'utf8');
  const m = doc.match(/```nginx\n([\s\S]*?)```/);
  assert.ok(m, 'docs/deployment.md has an nginx block');
  let conf = m[1];
  const swaps = [
    [/server 127\.0\.0\.1:8080;/, `server ${upstream};`],
    [/listen 443 ssl;/, `listen 127.0.0.1:${port};`],
    [/\n\s*http2 on;/, ''],
    [/\n\s*ssl_certificate\s[^\n]*/, ''],
    [/\n\s*ssl_certificate_key\s[^\n]*/, ''],
    [/listen 80;/, `listen 127.0.0.1:${port + 1};`],
  ];
  for (const [from, to] of swaps) {
    assert.match(conf, from, `the guide's block still has ${from}`);
    conf = conf.replace(from, to);
  }
  return `pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
worker_processes 1;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
${conf}
}
`;
}

async function until(what, fn, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

before(async () => {
  srv = await startDemo({ env: { IOC_EVENTS_HEARTBEAT_S: '1', IOC_TELEMETRY_STREAM_HEARTBEAT_S: '1' } });
  const admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  let r = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:reports'], name: 'nginx test' });
  assert.equal(r.status, 201, r.text);
  reportKey = r.body.key;
  r = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['read:events', 'write:telemetry', 'read:telemetry'] });
  assert.equal(r.status, 201, r.text);
  eventsKey = telKey = r.body.key;

  dir = tempDir('ioc-nginx-');
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, d));
  chmodSync(dir, 0o777); // nginx's workers run as another user when the test runs as root
  const port = await freePort();
  writeFileSync(path.join(dir, 'nginx.conf'), guideConfig(port, new URL(srv.url).host, dir));
  const t = spawnSync(NGINX, ['-t', '-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
  assert.equal(t.status, 0, `nginx -t: ${t.stderr}`);
  nginx = spawn(NGINX, ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  base = `http://127.0.0.1:${port}`;
  await until('nginx', async () => {
    try {
      return (await fetch(`${base}/healthz`)).status === 200;
    } catch {
      return false;
    }
  });
});

after(async () => {
  if (nginx && nginx.exitCode === null) {
    const gone = new Promise((res) => nginx.on('exit', res));
    nginx.kill('SIGQUIT');
    await gone;
  }
  if (srv) { await srv.stop(); srv.cleanup(); }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Opens a stream through nginx with a key; resolves once the headers came.
function open(p, { lastId } = {}) {
  const headers = { authorization: `Bearer ${eventsKey}` };
  if (lastId !== undefined) headers['last-event-id'] = String(lastId);
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${p}`, { headers }, (res) => {
      const s = {
        status: res.statusCode, headers: res.headers, text: '', chunks: [],
        get events() {
          return this.text.split('\n\n').slice(0, -1).filter((b) => b.includes('event: ')).map((b) => {
            const e = {};
            for (const line of b.split('\n')) {
              const i = line.indexOf(': ');
              if (i > 0) e[line.slice(0, i)] = line.slice(i + 2);
            }
            return e;
          });
        },
        close() { req.destroy(); },
      };
      res.setEncoding('utf8');
      res.on('data', (d) => { s.text += d; s.chunks.push(Date.now()); });
      res.on('error', () => {});
      resolve(s);
    });
    req.on('error', reject);
  });
}

async function fileReport() {
  const r = await fetch(`${base}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      api_key: reportKey, service_code: 'o-nhiem', lat: '10.951', long: '106.821',
      description: 'Phản ánh qua nginx (dữ liệu mẫu)',
    }).toString(),
  });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return JSON.parse(text)[0].service_request_id;
}

test('GET /api/v1/events through the guide\'s nginx: each event at once, heartbeats, Last-Event-ID', async () => {
  const s = await open('/api/v1/events?types=report');
  assert.equal(s.status, 200);
  assert.match(s.headers['content-type'], /^text\/event-stream/);
  assert.equal(s.headers['x-accel-buffering'], undefined, 'nginx consumes the header');
  await until('retry line', () => s.text.startsWith('retry: '));
  const t0 = Date.now();
  const id = await fileReport();
  const ev = await until('the report event through nginx', () => s.events.find((e) => e.event === 'report' && JSON.parse(e.data).id === Number(id)), 3000);
  assert.ok(Date.now() - t0 < 3000, 'not held in a buffer');
  await until('a heartbeat through nginx', () => s.text.includes(': hb'), 3000);
  s.close();
  // a reconnect with the id before it: iocd saw the header through the proxy and replays it
  const again = await open('/api/v1/events?types=report', { lastId: Number(ev.id) - 1 });
  await until('the replay', () => again.events.some((e) => e.id === ev.id), 3000);
  again.close();
});

test('GET /api/v1/stream through the guide\'s nginx: a written point arrives at once', async () => {
  const s = await open('/api/v1/stream?measurement=viaproxy');
  assert.equal(s.status, 200);
  await until('retry line', () => s.text.startsWith('retry: '));
  const r = await fetch(`${base}/write?db=x`, { method: 'POST', headers: { authorization: `Bearer ${telKey}` }, body: `viaproxy,station=N1 v=4.5 ${Date.now()}000000\n` });
  assert.equal(r.status, 204, await r.text());
  const ev = await until('the point through nginx', () => s.events.find((e) => e.event === 'points'), 3000);
  const p = JSON.parse(ev.data).points[0];
  assert.equal(p.measurement, 'viaproxy');
  assert.equal(p.value, 4.5);
  s.close();
});
