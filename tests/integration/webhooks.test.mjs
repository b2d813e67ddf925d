// Webhooks (docs/webhooks.md) against a real receiver on 127.0.0.1 started here: a ping is
// delivered with headers and an HMAC-SHA256 signature verified with node:crypto; a receiver
// answering 500 then 200 gets the delivery again and it is done; a receiver that never answers
// leaves the API and telemetry ingest fast, and after max_attempts the delivery is a dead letter
// the admin lists and retries; deliveries queued when iocd is killed -9 are delivered after the
// restart; a new report and its transition reach a webhook that takes reports (the new one with
// the stream's `report` event, no personal data, once even when the POST is retried); a water
// level over alarm II reaches a webhook that takes `station` events; admins only. Short
// timeouts and backoffs throughout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { startDemo, startServer, Client } from './lib.mjs';

const FAST = {
  IOC_WEBHOOKS_TIMEOUT_MS: '1500', IOC_WEBHOOKS_MAX_ATTEMPTS: '3',
  IOC_WEBHOOKS_BACKOFF_MS: '100', IOC_WEBHOOKS_BACKOFF_MAX_MS: '300',
};

// The receiver: every request recorded (headers, raw body); what it answers is chosen per path
// by mode[path]: a status, 'silent' (never answers), or a list of statuses used in turn.
function receiver(port = 0) {
  const got = [];
  const mode = {};
  const held = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      got.push({ path: req.url, method: req.method, headers: req.headers, raw });
      let m = mode[req.url] ?? 200;
      if (Array.isArray(m)) m = m.length > 1 ? m.shift() : m[0];
      if (m === 'silent') { held.push(res); return; }
      res.writeHead(m, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({
    got, mode, url: `http://127.0.0.1:${server.address().port}`, port: server.address().port,
    close: () => new Promise((r) => { for (const h of held) h.destroy(); server.closeAllConnections?.(); server.close(() => r()); }),
  })));
}

// The check a receiver makes (docs/webhooks.md): HMAC-SHA256 keyed with the secret over
// "<X-IOC-Timestamp>.<raw body>", compared in constant time.
function signatureOk(secret, h, raw) {
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${h['x-ioc-timestamp']}.${raw}`).digest('hex')}`);
  const got = Buffer.from(String(h['x-ioc-signature'] || ''));
  return got.length === want.length && timingSafeEqual(got, want);
}

async function until(what, f, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let srv, rx, admin;

before(async () => {
  rx = await receiver();
  srv = await startDemo({ env: FAST });
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
});
after(async () => { await srv?.stop(); await rx?.close(); });

async function create(body) {
  const r = await admin.post('/api/v1/webhooks', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function delivery(id) {
  const r = await admin.get('/api/v1/webhooks/deliveries?limit=500');
  assert.equal(r.status, 200);
  return r.body.deliveries.find((d) => d.id === id);
}

test('a ping is delivered once, signed; the secret is answered once and never again', async () => {
  const h = await create({ url: `${rx.url}/ok`, events: ['alert', 'station'] });
  assert.match(h.secret, /^[0-9a-f]{64}$/);
  assert.deepEqual(h.events, ['alert', 'station']);
  assert.equal(h.agency, null);
  assert.equal(h.enabled, true);
  const one = await admin.get(`/api/v1/webhooks/${h.id}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.secret, undefined);
  assert.ok(!one.text.includes(h.secret));
  const list = await admin.get('/api/v1/webhooks');
  assert.ok(list.body.webhooks.some((x) => x.id === h.id));
  assert.ok(!list.text.includes(h.secret));

  const t0 = Math.floor(Date.now() / 1000);
  const p = await admin.post(`/api/v1/webhooks/${h.id}/ping`);
  assert.equal(p.status, 202, JSON.stringify(p.body));
  const req = await until('the ping', () => rx.got.find((g) => g.path === '/ok' && g.headers['x-ioc-delivery'] === String(p.body.delivery)));
  assert.equal(req.method, 'POST');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers['x-ioc-event'], 'ping');
  assert.ok(Math.abs(Number(req.headers['x-ioc-timestamp']) - t0) <= 5);
  assert.ok(signatureOk(h.secret, req.headers, req.raw), 'the signature verifies');
  assert.ok(!signatureOk('0'.repeat(64), req.headers, req.raw), 'another secret does not');
  assert.ok(!signatureOk(h.secret, req.headers, req.raw.replace('ping', 'pong')), 'nor another body');
  const body = JSON.parse(req.raw);
  assert.equal(body.id, p.body.delivery);
  assert.equal(body.type, 'ping');
  assert.match(body.at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(body.data.webhook, h.id);
  const d = await until('done', async () => { const x = await delivery(p.body.delivery); return x?.state === 'done' && x; });
  assert.equal(d.attempts, 1);
  assert.equal(d.last_status, 200);
  assert.equal(rx.got.filter((g) => g.headers['x-ioc-delivery'] === String(p.body.delivery)).length, 1);
});

test('a report transition reaches a webhook that takes reports, signed, without personal data', async () => {
  const h = await create({ url: `${rx.url}/reports`, events: ['report'] });
  const k = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:reports'], name: 'webhooks test' });
  assert.equal(k.status, 201, k.text);
  const r = await fetch(`${srv.url}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      api_key: k.body.key, service_code: 'o-nhiem', lat: '10.951', long: '106.821',
      description: 'Khói đen (dữ liệu mẫu)', email: 'dan@example.vn', phone: '0901234567',
    }).toString(),
  });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  const id = Number(JSON.parse(text)[0].service_request_id);
  const m = await admin.post(`/api/v1/reports/${id}/transition`, { to: 'assigned', note: 'Đã nhận' });
  assert.equal(m.status, 200, JSON.stringify(m.body));
  const req = await until('the report delivery', () => rx.got.find((g) => g.path === '/reports'
    && g.headers['x-ioc-event'] === 'report' && JSON.parse(g.raw).data.id === id
    && JSON.parse(g.raw).data.previous === 'received'));
  // the new report's delivery came first (one webhook's deliveries go in the order queued)
  const mine = rx.got.filter((g) => g.path === '/reports' && JSON.parse(g.raw).data.id === id);
  assert.deepEqual(mine.map((g) => JSON.parse(g.raw).data.previous), [null, 'received']);
  assert.ok(signatureOk(h.secret, req.headers, req.raw));
  const body = JSON.parse(req.raw);
  assert.equal(body.type, 'report');
  assert.equal(body.data.state, 'assigned');
  assert.equal(body.data.previous, 'received');
  assert.equal(body.data.agency, 'SO-NNMT');
  assert.ok(!req.raw.includes('dan@example.vn') && !req.raw.includes('0901234567'), 'no personal data');
});

// The live stream's events of types (operator: every agency's), as parsed JSON, while open.
function stream(client, types) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${srv.url}/api/v1/events?types=${types}`, { headers: { cookie: client.cookie } }, (res) => {
      const s = { status: res.statusCode, text: '', close: () => req.destroy(),
        get data() { return this.text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6))); } };
      res.setEncoding('utf8');
      res.on('data', (c) => { s.text += c; });
      res.on('error', () => {});
      resolve(s);
    });
    req.on('error', reject);
  });
}

test('a new report reaches a webhook in its own transaction: the stream event, signed, no personal data, once', async () => {
  const h = await create({ url: `${rx.url}/new`, events: ['report'] });
  const op = new Client(srv.url);
  assert.equal((await op.login('operator')).status, 200);
  const live = await stream(op, 'report');
  assert.equal(live.status, 200);
  const k = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:reports'], name: 'webhooks new' });
  assert.equal(k.status, 201, k.text);
  const personal = { email: 'hook-ngan@example.vn', phone: '0987654321', first_name: 'Ngân', last_name: 'Trần', device_id: 'dev-hook-42' };
  const post = () => fetch(`${srv.url}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'hook-new-1' },
    body: new URLSearchParams({
      api_key: k.body.key, service_code: 'o-nhiem', lat: '10.952', long: '106.822',
      description: 'Mùi hôi từ cống (dữ liệu mẫu)', ...personal,
    }).toString(),
  });
  const r = await post();
  const text = await r.text();
  assert.equal(r.status, 201, text);
  const id = Number(JSON.parse(text)[0].service_request_id);
  const req = await until('the new report delivery', () => rx.got.find((g) => g.path === '/new' && JSON.parse(g.raw).data.id === id));
  assert.equal(req.headers['x-ioc-event'], 'report');
  assert.ok(signatureOk(h.secret, req.headers, req.raw), 'the signature verifies');
  const body = JSON.parse(req.raw);
  assert.equal(body.type, 'report');
  assert.equal(body.data.previous, null);
  assert.equal(body.data.state, 'received');
  assert.equal(body.data.service_code, 'o-nhiem');
  // the same JSON as the live stream's `report` event of that report
  const seen = await until('the stream event', () => live.data.find((d) => d.id === id));
  live.close();
  assert.deepEqual(body.data, seen);
  assert.deepEqual(Object.keys(body.data).sort(), ['agency', 'at', 'by', 'id', 'previous', 'service_code', 'state', 'unit']);
  for (const v of Object.values(personal)) assert.ok(!req.raw.includes(v), `no ${v} in the delivery`);
  // a retry with the same Idempotency-Key stores nothing and queues nothing
  const again = await post();
  assert.equal(again.status, 201);
  assert.equal(Number((await again.json())[0].service_request_id), id);
  const queued = await admin.get(`/api/v1/webhooks/deliveries?webhook=${h.id}&limit=100`);
  assert.equal(queued.status, 200);
  assert.equal(queued.body.deliveries.filter((d) => d.data.id === id).length, 1, JSON.stringify(queued.body));
  await new Promise((res) => setTimeout(res, 500));
  assert.equal(rx.got.filter((g) => g.path === '/new' && JSON.parse(g.raw).data.id === id).length, 1);
});

test('a water level written over alarm II reaches a webhook that takes station events', async () => {
  const h = await create({ url: `${rx.url}/station`, events: ['station'] });
  const put = await admin.put('/api/v1/stations/WL-HOOK', {
    name_vi: 'Trạm thử webhook', name_en: 'Webhook test station', kind: 'water_level', lat: 10.9436, lon: 106.8208,
    measures: ['level'], alarm1: 1, alarm2: 2, alarm3: 3,
  });
  assert.equal(put.status, 201, JSON.stringify(put.body));
  const k = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:telemetry'], name: 'webhooks station' });
  assert.equal(k.status, 201, k.text);
  const now = Math.floor(Date.now() / 1000);
  for (const [level, t] of [[0.5, now - 50], [2.5, now - 40]]) {
    const w = await fetch(`${srv.url}/write?precision=s`, { method: 'POST', headers: { authorization: `Token ${k.body.key}` }, body: `water,station=WL-HOOK level=${level} ${t}\n` });
    assert.equal(w.status, 204, await w.text());
  }
  const req = await until('the station delivery', () => rx.got.find((g) => g.path === '/station' && JSON.parse(g.raw).data.code === 'WL-HOOK'));
  assert.equal(req.headers['x-ioc-event'], 'station');
  assert.ok(signatureOk(h.secret, req.headers, req.raw));
  const body = JSON.parse(req.raw);
  assert.equal(body.type, 'station');
  assert.deepEqual(body.data, { code: 'WL-HOOK', kind: 'water_level', alarm_state: 2, previous: 0, level: 2.5, at: new Date((now - 40) * 1000).toISOString() });
  // one crossing, one delivery; a webhook that takes reports only got none of it
  await new Promise((res) => setTimeout(res, 500));
  assert.equal(rx.got.filter((g) => g.path === '/station' && JSON.parse(g.raw).data.code === 'WL-HOOK').length, 1);
  assert.ok(!rx.got.some((g) => g.path === '/new' && g.headers['x-ioc-event'] === 'station'));
});

test('a receiver answering 500 then 200 gets the delivery again and it is done', async () => {
  rx.mode['/flaky'] = [500, 200];
  const h = await create({ url: `${rx.url}/flaky`, events: ['*'] });
  const p = await admin.post(`/api/v1/webhooks/${h.id}/ping`);
  assert.equal(p.status, 202);
  const d = await until('done after a retry', async () => { const x = await delivery(p.body.delivery); return x?.state === 'done' && x; });
  assert.equal(d.attempts, 2);
  const reqs = rx.got.filter((g) => g.path === '/flaky');
  assert.equal(reqs.length, 2);
  for (const r of reqs) {
    assert.equal(r.headers['x-ioc-delivery'], String(p.body.delivery));
    assert.ok(signatureOk(h.secret, r.headers, r.raw));
  }
});

test('a receiver that never answers: the API and ingest stay fast, then a dead letter the admin retries', async () => {
  rx.mode['/silent'] = 'silent';
  const h = await create({ url: `${rx.url}/silent`, events: ['report'] });
  const p = await admin.post(`/api/v1/webhooks/${h.id}/ping`);
  assert.equal(p.status, 202);
  await until('the first attempt', () => rx.got.some((g) => g.path === '/silent'));
  // meanwhile (each attempt hangs for the whole 1.5 s timeout): the API and a telemetry write
  // answer well within it
  const staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
  const k = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['write:telemetry'] });
  assert.equal(k.status, 201);
  for (let i = 0; i < 3; i++) {
    let t = Date.now();
    const l = await admin.get('/api/v1/webhooks');
    assert.equal(l.status, 200);
    assert.ok(Date.now() - t < 1000, `the API took ${Date.now() - t} ms`);
    t = Date.now();
    const w = await fetch(`${srv.url}/write?db=x`, { method: 'POST', headers: { authorization: `Token ${k.body.key}` }, body: `hooks v=${i} ${Date.now()}000000\n` });
    assert.equal(w.status, 204);
    assert.ok(Date.now() - t < 1000, `the ingest took ${Date.now() - t} ms`);
  }
  const d = await until('a dead letter', async () => { const x = await delivery(p.body.delivery); return x?.state === 'dead' && x; });
  assert.equal(d.attempts, 3);
  assert.match(d.last_error, /time/i);
  assert.equal(rx.got.filter((g) => g.path === '/silent').length, 3);
  const dead = await admin.get(`/api/v1/webhooks/deliveries?state=dead&webhook=${h.id}`);
  assert.deepEqual(dead.body.deliveries.map((x) => x.id), [p.body.delivery]);
  assert.equal((await admin.get(`/api/v1/webhooks/${h.id}`)).body.dead, 1);
  // retried once the receiver answers: queued again, then done
  rx.mode['/silent'] = 200;
  const r = await admin.post(`/api/v1/webhooks/deliveries/${p.body.delivery}/retry`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(['queued', 'done'].includes(r.body.state));
  const done = await until('done after the retry', async () => { const x = await delivery(p.body.delivery); return x?.state === 'done' && x; });
  assert.equal(done.attempts, 1);
  // a delivery that is not dead is not retried
  assert.equal((await admin.post(`/api/v1/webhooks/deliveries/${p.body.delivery}/retry`)).status, 409);
  const audit = await admin.get('/api/v1/audit?action=webhook.retry&limit=5');
  assert.ok(audit.body.entries.some((e) => e.target === `delivery:${p.body.delivery}` && e.outcome === 'ok'));
});

test('bad fields are refused with their names; delete removes a webhook and its deliveries', async () => {
  for (const [body, field] of [
    [{ url: 'ftp://x/', events: ['*'] }, 'url'],
    [{ url: 'http://user:pw@x/', events: ['*'] }, 'url'],
    [{ events: ['*'] }, 'url'],
    [{ url: 'http://x/', events: ['alerts'] }, 'events'],
    [{ url: 'http://x/', events: ['*', 'alert'] }, 'events'],
    [{ url: 'http://x/', events: [] }, 'events'],
    [{ url: 'http://x/', events: ['alert'], agency: 'NO-SUCH' }, 'agency'],
    [{ url: 'http://x/', events: ['alert'], secret: 'mine' }, 'secret'],
  ]) {
    const r = await admin.post('/api/v1/webhooks', body);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.body.error.field, field, JSON.stringify(r.body));
  }
  const h = await create({ url: `${rx.url}/gone`, events: ['station'], agency: 'SO-NNMT', enabled: false });
  assert.equal(h.agency, 'SO-NNMT');
  assert.equal(h.enabled, false);
  assert.equal((await admin.del(`/api/v1/webhooks/${h.id}`)).status, 204);
  assert.equal((await admin.get(`/api/v1/webhooks/${h.id}`)).status, 404);
  assert.equal((await admin.del(`/api/v1/webhooks/${h.id}`)).status, 404);
  assert.equal((await admin.post(`/api/v1/webhooks/${h.id}/ping`)).status, 404);
});

test('admins only: an operator and staff get 403', async () => {
  for (const user of ['operator', 'staff', 'leader']) {
    const c = new Client(srv.url);
    assert.equal((await c.login(user)).status, 200);
    assert.equal((await c.get('/api/v1/webhooks')).status, 403, user);
    assert.equal((await c.post('/api/v1/webhooks', { url: `${rx.url}/x`, events: ['*'] })).status, 403, user);
    assert.equal((await c.get('/api/v1/webhooks/deliveries')).status, 403, user);
  }
});

test('deliveries queued when iocd is killed -9 are delivered after the restart', async () => {
  // a port where nothing listens now: the attempts are refused and the deliveries stay queued
  const probe = await receiver();
  const port = probe.port;
  await probe.close();
  const env = { IOC_WEBHOOKS_TIMEOUT_MS: '400', IOC_WEBHOOKS_MAX_ATTEMPTS: '100', IOC_WEBHOOKS_BACKOFF_MS: '100', IOC_WEBHOOKS_BACKOFF_MAX_MS: '200' };
  const s1 = await startDemo({ env });
  let s2;
  try {
    const a = new Client(s1.url);
    assert.equal((await a.login('admin')).status, 200);
    const r = await a.post('/api/v1/webhooks', { url: `http://127.0.0.1:${port}/later`, events: ['*'] });
    assert.equal(r.status, 201);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await a.post(`/api/v1/webhooks/${r.body.id}/ping`)).body.delivery);
    await until('a refused attempt', async () => {
      const d = (await a.get('/api/v1/webhooks/deliveries?state=queued')).body.deliveries;
      return d.some((x) => x.attempts > 0 && /connect|refused/i.test(x.last_error || ''));
    });
    await s1.kill9();
    const late = await receiver(port);
    try {
      s2 = await startServer({ data: s1.data, demo: true, env });
      const got = await until('the three deliveries', () => {
        const seen = new Set(late.got.map((g) => Number(g.headers['x-ioc-delivery'])));
        return ids.every((id) => seen.has(id)) && seen;
      });
      assert.equal(got.size, 3);
      // in order, one at a time: the first delivery of each id arrives in id order
      const first = [...new Set(late.got.map((g) => Number(g.headers['x-ioc-delivery'])))];
      assert.deepEqual(first, ids);
      for (const g of late.got) assert.ok(signatureOk(r.body.secret, g.headers, g.raw));
      const b = new Client(s2.url);
      assert.equal((await b.login('admin')).status, 200);
      await until('all done', async () => {
        const d = (await b.get(`/api/v1/webhooks/deliveries?webhook=${r.body.id}`)).body.deliveries;
        return d.length === 3 && d.every((x) => x.state === 'done');
      });
      const m = await (await fetch(`${s2.url}/metrics`)).text();
      assert.match(m, /^ioc_webhook_attempts_total\{outcome="delivered"\} [1-9]/m);
    } finally {
      await late.close();
    }
  } finally {
    await s2?.stop();
    s1.cleanup();
  }
});
