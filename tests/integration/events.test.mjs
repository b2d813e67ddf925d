// GET /api/v1/events (Server-Sent Events, docs/api.md "Live events") with the real iocd: report
// events (new and transitions) and station water alarms, each seen by the callers the contract
// allows (staff: their agency's and the public ones; operators: all); ?types=; Last-Event-ID
// resumption and reset; heartbeats; a client that never reads is dropped while another keeps
// receiving and RSS stays bounded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { startDemo, Client, IOCD } from './lib.mjs';

let srv, reportKey, telKey, eventsKey;
const as = {};
const B = '/open311/v2';

before(async () => {
  srv = await startDemo({
    env: {
      IOC_EVENTS_HEARTBEAT_S: '1',
      IOC_EVENTS_CLIENT_BUFFER_KB: '64',
      IOC_EVENTS_RING_EVENTS: '50',
      IOC_HTTP_REQUEST_TIMEOUT_S: '2',
    },
  });
  as.admin = new Client(srv.url);
  assert.equal((await as.admin.login('admin')).status, 200);
  const u = await as.admin.post('/api/v1/users', { username: 'evxd', role: 'staff', agency_code: 'SO-XD', password: 'evxd-pass-1234' });
  assert.equal(u.status, 201, u.text);
  for (const n of ['staff', 'operator']) {
    as[n] = new Client(srv.url);
    assert.equal((await as[n].login(n)).status, 200, n);
  }
  as.xd = new Client(srv.url);
  assert.equal((await as.xd.login('evxd', 'evxd-pass-1234')).status, 200);
  let r = await as.admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:reports'], name: 'events test' });
  assert.equal(r.status, 201, r.text);
  reportKey = r.body.key;
  r = await as.staff.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:telemetry', 'read:events'] });
  assert.equal(r.status, 201, r.text);
  telKey = r.body.key;
  eventsKey = telKey;
});
after(async () => { if (srv) { await srv.stop(); srv.cleanup(); } });

async function until(what, fn, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

async function metric(name) {
  const t = await (await fetch(`${srv.url}/metrics`)).text();
  const m = t.match(new RegExp(`^${name} (\\d+)`, 'm'));
  return m ? Number(m[1]) : NaN;
}

// Opens the stream as who (a Client: its cookie; a string: a key); resolves once the headers came.
function open(who, query = '', { lastId } = {}) {
  const headers = typeof who === 'string' ? { authorization: `Bearer ${who}` } : { cookie: who.cookie };
  if (lastId !== undefined) headers['last-event-id'] = lastId;
  return new Promise((resolve, reject) => {
    const req = http.get(`${srv.url}/api/v1/events${query}`, { headers }, (res) => {
      const s = {
        status: res.statusCode, headers: res.headers, text: '', ended: false,
        get events() {
          return this.text.split('\n\n').slice(0, -1).filter((b) => b.includes('event: ')).map((b) => {
            const e = { raw: `${b}\n\n` };
            for (const line of b.split('\n')) {
              const i = line.indexOf(': ');
              if (i > 0) e[line.slice(0, i)] = line.slice(i + 2);
            }
            e.json = JSON.parse(e.data);
            return e;
          });
        },
        of(type) { return this.events.filter((e) => e.event === type); },
        close() { req.destroy(); },
      };
      res.setEncoding('utf8');
      res.on('data', (d) => { s.text += d; });
      res.on('end', () => { s.ended = true; });
      res.on('error', () => { s.ended = true; });
      resolve(s);
    });
    req.on('error', reject);
  });
}

// A new citizen report of service; its id (a number).
async function file(service, extra = {}) {
  const r = await fetch(`${srv.url}${B}/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      api_key: reportKey, service_code: service, lat: '10.951', long: '106.821',
      description: `Phản ánh thử ${service} (dữ liệu mẫu)`, email: 'dan@example.vn', phone: '0901234567',
      first_name: 'Dân', ...extra,
    }).toString(),
  });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return Number(JSON.parse(text)[0].service_request_id);
}

const move = (who, id, body) => as[who].post(`/api/v1/reports/${id}/transition`, body);
const ids = (s) => s.of('report').map((e) => `${e.json.id}:${e.json.state}`);

test('report events: new and transitions, each seen only by the callers allowed', async () => {
  const nnmt = await open(as.staff);      // staff of SO-NNMT (cookie, as EventSource sends)
  const xd = await open(as.xd);           // staff of SO-XD
  const op = await open(as.operator);     // sees all
  const key = await open(eventsKey);      // a key of SO-NNMT with read:events
  for (const s of [nnmt, xd, op, key]) {
    assert.equal(s.status, 200);
    assert.match(s.headers['content-type'], /^text\/event-stream/);
  }
  const a = await file('o-nhiem');        // SO-NNMT
  const b = await file('cat-tia-cay');    // SO-XD
  const t = await file('khac');           // no agency: the operators' triage queue
  let r = await move('staff', a, { to: 'assigned', note: 'Đã nhận' });
  assert.equal(r.status, 200, r.text);
  r = await move('operator', t, { to: 'assigned', agency: 'SO-XD' });
  assert.equal(r.status, 200, r.text);
  r = await as.staff.post(`/api/v1/reports/${a}/notes`, { note: 'a note is no transition' });
  assert.equal(r.status, 200, r.text);
  await until('the operator\'s five events', () => op.of('report').length === 5);
  assert.deepEqual(ids(op), [`${a}:received`, `${b}:received`, `${t}:received`, `${a}:assigned`, `${t}:assigned`]);
  await until('the others', () => nnmt.of('report').length === 2 && xd.of('report').length === 2 && key.of('report').length === 2);
  assert.deepEqual(ids(nnmt), [`${a}:received`, `${a}:assigned`]);
  assert.deepEqual(ids(key), ids(nnmt));
  assert.deepEqual(ids(xd), [`${b}:received`, `${t}:assigned`]);
  // the shape: no personal data
  const [first, moved] = [op.of('report')[0].json, op.of('report')[3].json];
  assert.deepEqual(Object.keys(first).sort(), ['agency', 'at', 'by', 'id', 'previous', 'service_code', 'state', 'unit']);
  assert.equal(first.previous, null);
  assert.match(first.by, /^key:/);
  assert.equal(first.service_code, 'o-nhiem');
  assert.equal(first.agency, 'SO-NNMT');
  assert.match(first.unit, /^\d+$/);
  assert.match(first.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.deepEqual([moved.previous, moved.state, moved.by], ['received', 'assigned', 'staff']);
  assert.equal(op.of('report')[2].json.agency, null); // triage
  assert.equal(op.of('report')[4].json.agency, 'SO-XD');
  assert.ok(!/dan@example|0901234567|Dân/.test(op.text));
  // ids grow
  const nums = op.of('report').map((e) => BigInt(e.id));
  assert.ok(nums.every((n, i) => i === 0 || n > nums[i - 1]));
  for (const s of [nnmt, xd, op, key]) s.close();
});

test('?types= filters; unknown types and parameters are refused; keys without read:events too', async () => {
  const rep = await open(as.operator, '?types=report');
  const st = await open(as.operator, '?types=station,alert');
  const id = await file('o-nhiem');
  await until('the report event', () => rep.of('report').length === 1);
  assert.equal(rep.of('report')[0].json.id, id);
  await new Promise((res) => setTimeout(res, 300));
  assert.equal(st.events.length, 0);
  for (const q of ['?types=report,bogus', '?types=', '?types=ping', '?other=1']) {
    const r = await as.operator.get(`/api/v1/events${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error.code, 'bad_query');
  }
  assert.equal((await fetch(`${srv.url}/api/v1/events`)).status, 401);
  assert.equal((await fetch(`${srv.url}/api/v1/events`, { headers: { authorization: `Bearer ${reportKey}` } })).status, 403);
  rep.close();
  st.close();
});

test('station events: a water alarm crossing, seen by its agency (or by all when it has none)', async () => {
  const nnmt = await open(as.staff, '?types=station');
  const xd = await open(as.xd, '?types=station');
  // a station of no agency: everyone's
  const put = await as.operator.put('/api/v1/stations/WL-EVT', {
    name_vi: 'Trạm thử sự kiện', name_en: 'Events test station', kind: 'water_level', lat: 10.9435, lon: 106.8207,
    measures: ['level'], alarm1: 1, alarm2: 2, alarm3: 3,
  });
  assert.equal(put.status, 201, JSON.stringify(put.body));
  const now = Math.floor(Date.now() / 1000);
  const w = async (body) => {
    const r = await fetch(`${srv.url}/write?precision=s`, { method: 'POST', headers: { authorization: `Token ${telKey}` }, body });
    assert.equal(r.status, 204, await r.text());
  };
  // WL-DN3 is SO-NNMT's (alarm levels 1.6, 2, 2.4): 1.0 → 2.1 reaches II
  await w(`water,station=WL-DN3 level=1.0 ${now - 50}\nwater,station=WL-EVT level=0.5 ${now - 50}\n`);
  await w(`water,station=WL-DN3 level=2.1 ${now - 40}\nwater,station=WL-EVT level=1.5 ${now - 40}\n`);
  await until('the station events', () => nnmt.of('station').length === 2 && xd.of('station').length === 1);
  const dn3 = nnmt.of('station').find((e) => e.json.code === 'WL-DN3').json;
  assert.deepEqual(dn3, { code: 'WL-DN3', kind: 'water_level', alarm_state: 2, previous: 0, level: 2.1, at: new Date((now - 40) * 1000).toISOString() });
  assert.deepEqual(xd.of('station').map((e) => [e.json.code, e.json.alarm_state, e.json.previous]), [['WL-EVT', 1, 0]]);
  nnmt.close();
  xd.close();
});

test('Last-Event-ID: exactly the missed events; reset when too old, unknown or unreadable', async () => {
  const keep = await open(as.operator, '?types=report');
  const a = await open(as.operator, '?types=report');
  await file('o-nhiem');
  await until('first', () => a.events.length === 1);
  const id1 = a.events[0].id;
  a.close();
  await file('o-nhiem');
  await file('cat-tia-cay');
  await until('keep', () => keep.events.length === 3);
  const b = await open(as.operator, '?types=report', { lastId: id1 });
  await until('replay', () => b.events.length === 2);
  assert.ok(b.text.startsWith('retry: 3000\n\n'));
  assert.deepEqual(b.events.map((e) => e.raw), keep.events.slice(1).map((e) => e.raw));
  // the query parameter does the same for clients that cannot set headers; a staff of SO-XD
  // resuming from the same id gets only its agency's
  const q = await open(as.operator, `?types=report&last_event_id=${id1}`);
  const x = await open(as.xd, `?last_event_id=${id1}`);
  await until('replays', () => q.events.length === 2 && x.events.length === 1);
  assert.deepEqual(q.events.map((e) => e.raw), b.events.map((e) => e.raw));
  assert.equal(x.events[0].json.service_code, 'cat-tia-cay');
  // live after the replay, no gap, no repeat
  await file('o-nhiem');
  await until('live', () => b.events.length === 3 && keep.events.length === 4);
  assert.equal(b.events[2].raw, keep.events[3].raw);
  // too old: the ring keeps 50 events
  for (let i = 0; i < 51; i++) await file('khac');
  await until('the flood', () => keep.events.length === 55);
  const d = await open(as.operator, '', { lastId: id1 });
  const e = await open(as.operator, '', { lastId: '99999999999999999' });
  const f = await open(as.operator, '', { lastId: 'junk' });
  await until('resets', () => [d, e, f].every((s) => s.events.length === 1));
  for (const s of [d, e, f]) {
    assert.equal(s.events[0].event, 'reset');
    assert.equal(s.events[0].data, '{}');
    assert.equal(s.events[0].id, keep.events[54].id); // resuming from it works
  }
  for (const s of [keep, b, q, x, d, e, f]) s.close();
  assert.ok((await metric('ioc_events_resets_total')) >= 3);
});

test('heartbeat: ": hb" every second from the hub, past the request timeout', async () => {
  const s = await open(as.staff);
  await new Promise((res) => setTimeout(res, 2600));
  assert.ok(!s.ended);
  assert.ok((s.text.match(/^: hb\n\n/gm) || []).length >= 2, JSON.stringify(s.text));
  s.close();
});

test('a client that never reads is dropped; another keeps receiving; memory stays bounded', async () => {
  const rss = () => Number(readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) * 1024;
  const dropped = await metric('ioc_http_streams_dropped_total');
  const failures = await metric('ioc_events_writer_failures_total');
  const published = await metric('ioc_events_published_total');
  // the reader takes reports only: a burst of thousands of station events in one write passes
  // any client's buffer (that is the drop being tested), so it would be cut off too
  const reader = await open(as.operator, '?types=report');
  const stuck = net.connect(new URL(srv.url).port, '127.0.0.1');
  stuck.pause();
  stuck.write(`GET /api/v1/events?types=station HTTP/1.1\r\nHost: x\r\nCookie: ${as.operator.cookie}\r\n\r\n`);
  await until('two streams', async () => (await metric('ioc_events_subscribers')) >= 2);
  const before = rss();
  // a station whose level swings across its alarm levels: one event per reading
  const put = await as.operator.put('/api/v1/stations/WL-FLOOD', {
    name_vi: 'Trạm thử lũ', name_en: 'Flood test station', kind: 'water_level', lat: 10.9435, lon: 106.8207,
    measures: ['level'], alarm1: 1, alarm2: 2, alarm3: 3,
  });
  assert.equal(put.status, 201, JSON.stringify(put.body));
  let t = Math.floor(Date.now() / 1000) - 86400;
  for (let k = 0; k < 60 && (await metric('ioc_http_streams_dropped_total')) === dropped; k++) {
    const lines = [];
    for (let i = 0; i < 3000; i++) lines.push(`water,station=WL-FLOOD level=${(t + i) % 2 ? 3.5 : 0.2} ${t + i}`);
    t += 3000;
    const r = await fetch(`${srv.url}/write?precision=s`, { method: 'POST', headers: { authorization: `Token ${telKey}` }, body: `${lines.join('\n')}\n` });
    assert.equal(r.status, 204, await r.text());
    await new Promise((res) => setTimeout(res, 50));
  }
  await until('the drop', async () => (await metric('ioc_http_streams_dropped_total')) > dropped);
  await until('the hub stopped writing to it', async () => (await metric('ioc_events_writer_failures_total')) > failures);
  assert.ok((await metric('ioc_events_published_total')) - published > 1000);
  const id = await file('o-nhiem');
  await until('the reader still served', () => reader.events.some((e) => e.json.id === id));
  assert.ok(!reader.ended);
  if (!/asan|tsan/.test(IOCD) && !process.env.ASAN_OPTIONS && !process.env.TSAN_OPTIONS) assert.ok(rss() - before < 48 << 20, `RSS grew by ${rss() - before}`);
  stuck.destroy();
  reader.close();
});
