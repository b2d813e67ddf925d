// The client side of bench/alerts.sh (not a test). Subcommands, each against iocd at URL, signed
// in as admin with PASSWORD (one login per run):
//   latency URL PASSWORD KEY N      a threshold rule (water level > 100, for_s 0) and one SSE
//                                   client on /api/v1/events?types=alert; N times: a point over it
//                                   for a new station (POST /write, line protocol, API key KEY),
//                                   the clock from just before the POST to the `alert` event
//                                   (change "fired") of that station; prints samples, p50/p95/max
//   rules URL PASSWORD N            N rules (threshold, no_data, rate on several measurements,
//                                   fields and tag filters; some on the load's series: air,
//                                   station=…), 4 requests at a time; prints how many and how long
//   streams URL PASSWORD N READY    N idle event streams (raw sockets, the session's cookie);
//                                   writes the number open to READY, then holds them until killed
//   get URL PATH N                  N sequential GETs of PATH on one keep-alive connection; p50/p95
import net from 'node:net';
import http from 'node:http';
import { writeFileSync } from 'node:fs';

const [cmd, url, ...rest] = process.argv.slice(2);
const base = new URL(url);

async function login(password) {
  const r = await fetch(`${url}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${await r.text()}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, csrf: (await r.json()).csrf_token };
}

async function post(s, path, body) {
  const r = await fetch(`${url}${path}`, {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf },
  });
  return { status: r.status, body: await r.text() };
}

function pct(v, p) {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const ms = (x) => x.toFixed(2);

async function latency(password, key, n) {
  const s = await login(password);
  const tag = `LAT${process.pid}`;
  const rule = {
    name: { vi: 'Đo độ trễ cảnh báo (dữ liệu thử)', en: 'Alert latency probe (synthetic)' },
    severity: 'warning', type: 'threshold', agency: 'SO-NNMT',
    target: { measurement: 'benchlat', field: 'level' }, params: { op: '>', value: 100, for_s: 0 },
  };
  const r = await post(s, '/api/v1/rules', rule);
  if (r.status !== 201) throw new Error(`rule: ${r.status} ${r.body}`);
  // the event stream; waiters by station
  const waiting = new Map();
  let buf = '';
  await new Promise((resolve, reject) => {
    const req = http.get(`${url}/api/v1/events?types=alert`, { headers: { cookie: s.cookie, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events: ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const now = performance.now();
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const ev = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (!/^event: alert$/m.test(ev)) continue;
          const data = JSON.parse(ev.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'));
          const m = /station=([^ ,]+)/.exec(data.target || '');
          if (data.change === 'fired' && m && waiting.has(m[1])) {
            waiting.get(m[1])(now);
            waiting.delete(m[1]);
          }
        }
      });
      resolve();
    });
    req.on('error', reject);
  });
  await new Promise((r2) => setTimeout(r2, 1500)); // the engine reloads its rules
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const write = (body) => new Promise((resolve, reject) => {
    const q = http.request(`${url}/write?precision=ms`, {
      method: 'POST', agent, headers: { authorization: `Token ${key}`, 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    q.on('error', reject);
    q.end(body);
  });
  const samples = [];
  let missed = 0;
  for (let i = 0; i < n; i++) {
    const station = `${tag}-${i}`;
    const got = new Promise((resolve) => waiting.set(station, resolve));
    const t0 = performance.now();
    const st = await write(`benchlat,station=${station} level=150 ${Date.now()}\n`);
    if (st !== 204 && st !== 200) throw new Error(`write: ${st}`);
    const t1 = await Promise.race([got, new Promise((r2) => setTimeout(() => r2(null), 2000))]);
    if (t1 === null) { missed++; waiting.delete(station); continue; }
    samples.push(t1 - t0);
    await new Promise((r2) => setTimeout(r2, 5)); // one at a time, not a flood
  }
  console.log(`samples ${samples.length}\nmissed ${missed}`);
  if (samples.length) console.log(`p50_ms ${ms(pct(samples, 50))}\np95_ms ${ms(pct(samples, 95))}\nmax_ms ${ms(Math.max(...samples))}`);
  agent.destroy();
  process.exit(0);
}

async function rules(password, n) {
  const s = await login(password);
  const other = ['water', 'weather', 'traffic', 'energy', 'noise', 'rain', 'river', 'grid'];
  const fields = ['pm25', 'pm10', 'temperature', 'humidity', 'pressure', 'no2', 'o3', 'noise'];
  const make = (i) => {
    const kind = ['threshold', 'no_data', 'rate'][i % 3];
    let target;
    if (i % 25 === 0) // 4 %: on the load's series (air, a station of the data set)
      target = { measurement: 'air', field: fields[(i / 25) % 8], tags: { station: `S${String(((i * 7) % 1000) + 1).padStart(4, "0")}` } };
    else if (i % 5 === 1) // a measurement per rule, never written (many measurements)
      target = { measurement: `m${i}`, field: 'value' };
    else
      target = { measurement: other[i % other.length], field: 'level', ...(i % 2 ? { tags: { station: `X${i}` } } : {}) };
    const params = kind === 'threshold' ? { op: '>', value: 1e6 }
      : kind === 'no_data' ? { for_s: 86400 } : { op: '>=', value: 1e6, window_s: 600 };
    return { name: { vi: `Quy tắc thử ${i} (dữ liệu thử)`, en: `Bench rule ${i} (synthetic)` }, severity: 'info', type: kind, agency: 'SO-NNMT', target, params };
  };
  const t0 = performance.now();
  let next = 0, ok = 0, failed = 0, first = '';
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < n) {
      const r = await post(s, '/api/v1/rules', make(next++));
      if (r.status === 201) ok++; else { failed++; first ||= `${r.status} ${r.body}`; }
    }
  }));
  console.log(`rules ${ok}\nfailed ${failed}\nseconds ${((performance.now() - t0) / 1000).toFixed(1)}`);
  if (first) console.error(`first failure: ${first}`);
}

async function streams(password, n, ready) {
  const s = await login(password);
  let opened = 0, failed = 0;
  const socks = [];
  const open = () => new Promise((resolve) => {
    const c = net.connect(Number(base.port), base.hostname, () => {
      c.write(`GET /api/v1/events?types=alert HTTP/1.1\r\nHost: ${base.host}\r\nAccept: text/event-stream\r\nCookie: ${s.cookie}\r\n\r\n`);
    });
    c.once('data', (d) => { if (/^HTTP\/1\.1 200/.test(d.toString())) opened++; else failed++; resolve(); });
    c.on('data', () => {}); // heartbeats
    c.on('error', () => { failed++; resolve(); });
    socks.push(c);
  });
  for (let i = 0; i < n; i += 200) await Promise.all(Array.from({ length: Math.min(200, n - i) }, open));
  writeFileSync(ready, String(opened));
  if (failed) console.error(`${failed} streams refused or failed`);
  setInterval(() => {}, 1 << 30);
}

async function get(path, n) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const one = () => new Promise((resolve, reject) => {
    http.get(`${url}${path}`, { agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject);
  });
  for (let i = 0; i < 20; i++) await one(); // warm
  const v = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const st = await one();
    v.push(performance.now() - t0);
    if (st !== 200) throw new Error(`GET ${path}: ${st}`);
  }
  console.log(`p50_ms ${ms(pct(v, 50))}\np95_ms ${ms(pct(v, 95))}`);
  agent.destroy();
}

if (cmd === 'latency') await latency(rest[0], rest[1], Number(rest[2]));
else if (cmd === 'rules') await rules(rest[0], Number(rest[1]));
else if (cmd === 'streams') await streams(rest[0], Number(rest[1]), rest[2]);
else if (cmd === 'get') await get(rest[0], Number(rest[1]));
else { console.error('usage: see the head of bench/alerts.mjs'); process.exit(2); }
