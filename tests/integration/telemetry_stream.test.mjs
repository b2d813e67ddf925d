// GET /api/v1/stream (Server-Sent Events): points written over /write arrive live in the exact
// format the console relies on; filters; Last-Event-ID resumption and reset; heartbeat; a client
// that stops reading is dropped while the others go on; the limit of open streams; SIGTERM with
// streams open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { startDemo, Client, IOCD } from './lib.mjs';

const MAX_CLIENTS = 8;
let srv, key;

before(async () => {
  srv = await startDemo({
    env: {
      IOC_TELEMETRY_STREAM_HEARTBEAT_S: '1',
      IOC_TELEMETRY_STREAM_MAX_CLIENTS: String(MAX_CLIENTS),
      IOC_TELEMETRY_STREAM_BUFFER: '65536',
      IOC_TELEMETRY_STREAM_RING_EVENTS: '4',
      IOC_HTTP_REQUEST_TIMEOUT_S: '2',
    },
  });
  const staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
  const r = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['write:telemetry', 'read:telemetry'] });
  assert.equal(r.status, 201);
  key = r.body.key;
});
after(async () => { if (srv) { await srv.stop(); srv.cleanup(); } });

async function write(body) {
  const r = await fetch(`${srv.url}/write?db=x`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
  assert.equal(r.status, 204, await r.text());
}

async function metric(name) {
  const t = await (await fetch(`${srv.url}/metrics`)).text();
  const m = t.match(new RegExp(`^${name} (\\d+)`, 'm'));
  return m ? Number(m[1]) : NaN;
}

async function until(what, fn, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

// Opens a stream; resolves with {status, headers, text, events, close()} once the headers came.
function open(query, { lastId } = {}) {
  const headers = { authorization: `Bearer ${key}` };
  if (lastId !== undefined) headers['last-event-id'] = lastId;
  return new Promise((resolve, reject) => {
    const req = http.get(`${srv.url}/api/v1/stream${query}`, { headers }, (res) => {
      const s = {
        status: res.statusCode, headers: res.headers, text: '', ended: false,
        get blocks() { return this.text.split('\n\n').slice(0, -1); },
        get events() {
          return this.blocks.filter((b) => b.includes('event: ')).map((b) => {
            const e = { raw: `${b}\n\n` };
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
      res.on('data', (d) => { s.text += d; });
      res.on('end', () => { s.ended = true; });
      res.on('error', () => { s.ended = true; });
      resolve(s);
    });
    req.on('error', reject);
  });
}

test('a point written arrives once, in the exact format, after retry: 3000', async () => {
  const s = await open('?measurement=fmt');
  assert.equal(s.status, 200);
  assert.match(s.headers['content-type'], /^text\/event-stream/);
  assert.equal(s.headers['cache-control'], 'no-store');
  await write('fmt,station=S1 pm25=12.5,n=3i,ok=true,s="x" 1796205600000000000\nother,station=S1 pm25=1 1796205600000000000\n');
  await until('the event', () => s.events.length === 1);
  assert.ok(s.text.startsWith('retry: 3000\n\n'), s.text);
  const e = s.events[0];
  assert.match(e.id, /^\d+$/);
  assert.equal(e.raw, `id: ${e.id}\nevent: points\ndata: {"points":[` +
    '{"measurement":"fmt","field":"pm25","tags":{"station":"S1"},"time":"2026-12-02T10:00:00.000000000Z","t":1796205600000,"value":12.5},' +
    '{"measurement":"fmt","field":"n","tags":{"station":"S1"},"time":"2026-12-02T10:00:00.000000000Z","t":1796205600000,"value":3},' +
    '{"measurement":"fmt","field":"ok","tags":{"station":"S1"},"time":"2026-12-02T10:00:00.000000000Z","t":1796205600000,"value":true}]}\n\n');
  await write('fmt,station=S2 pm25=0.1 1796205600123456789\n');
  await until('the second event', () => s.events.length === 2);
  const p = JSON.parse(s.events[1].data).points[0];
  assert.deepEqual(p, { measurement: 'fmt', field: 'pm25', tags: { station: 'S2' }, time: '2026-12-02T10:00:00.123456789Z', t: 1796205600123, value: 0.1 });
  assert.ok(BigInt(s.events[1].id) > BigInt(e.id));
  s.close();
});

test('filters: field and tag values; other measurements never arrive', async () => {
  const s = await open('?measurement=flt&field=pm25&tag.station=S1,S3');
  const all = await open('?measurement=flt');
  await write('flt,station=S1 pm25=1,no2=2 1700000000000000000\nflt,station=S2 pm25=3 1700000000000000000\n' +
              'flt,station=S3,x=y pm25=4 1700000000000000000\nflt pm25=5 1700000000000000000\nflu,station=S1 pm25=6 1700000000000000000\n');
  await write('flt,station=S2 pm25=7 1700000000000000000\n');
  await write('flt,station=S3 pm25=8 1700000000000000000\n');
  await until('events', () => s.events.length === 2 && all.events.length === 3);
  const got = s.events.flatMap((e) => JSON.parse(e.data).points.map((p) => `${p.tags.station}=${p.value}`));
  assert.deepEqual(got, ['S1=1', 'S3=4', 'S3=8']);
  assert.equal(all.events.flatMap((e) => JSON.parse(e.data).points).length, 7);
  s.close();
  all.close();
});

test('bad parameters are refused with 400 naming them', async () => {
  for (const [q, name] of [['', 'measurement'], ['?measurement=a&bogus=1', 'bogus'], ['?measurement=a&measurement=b', 'measurement'],
                           ['?measurement=a&field=', 'field']]) {
    const r = await fetch(`${srv.url}/api/v1/stream${q}`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(r.status, 400, q);
    const b = await r.json();
    assert.equal(b.error.code, 'bad_query');
    assert.match(b.error.message, new RegExp(`'${name}'`));
  }
  const r = await fetch(`${srv.url}/api/v1/stream?measurement=a`);
  assert.equal(r.status, 401);
  const head = await fetch(`${srv.url}/api/v1/stream?measurement=a`, { method: 'HEAD', headers: { authorization: `Bearer ${key}` } });
  assert.equal(head.status, 200);
  assert.match(head.headers.get('content-type'), /^text\/event-stream/);
});

test('Last-Event-ID: exactly the missed events; reset when too old, unknown or unreadable', async () => {
  const keep = await open('?measurement=res'); // another client listens meanwhile
  const a = await open('?measurement=res');
  await write('res v=1 1700000000000000000\n');
  await until('first', () => a.events.length === 1);
  const id1 = a.events[0].id;
  a.close();
  await write('res v=2 1700000000000000000\nres,t=x v=3 1700000000000000000\n');
  await write('nores v=9 1700000000000000000\n');
  await write('res v=4 1700000000000000000\n');
  await until('keep', () => keep.events.length === 3);
  const b = await open('?measurement=res', { lastId: id1 });
  await until('replay', () => b.events.length === 2);
  assert.ok(b.text.startsWith('retry: 3000\n\n'));
  assert.deepEqual(b.events.map((e) => e.raw), keep.events.slice(1).map((e) => e.raw));
  // live after the replay, no gap, no repeat
  await write('res v=5 1700000000000000000\n');
  await until('live', () => b.events.length === 3 && keep.events.length === 4);
  assert.equal(b.events[2].raw, keep.events[3].raw);
  const last = b.events[2].id;
  // up to date: nothing replayed
  const c = await open('?measurement=res', { lastId: last });
  // too old: the ring keeps 4 batches
  for (let i = 0; i < 5; i++) await write(`res v=${10 + i} 1700000000000000000\n`);
  const d = await open('?measurement=res', { lastId: id1 });
  const e = await open('?measurement=res', { lastId: '99999999999999999' });
  const f = await open('?measurement=res', { lastId: 'junk' });
  await until('resets', () => [d, e, f].every((s) => s.events.length === 1) && c.events.length === 5);
  for (const s of [d, e, f]) {
    assert.equal(s.events[0].event, 'reset');
    assert.equal(s.events[0].data, '{}');
  }
  assert.equal(d.events[0].id, c.events[4].id); // the reset carries the last id: resuming from it works
  for (const s of [keep, b, c, d, e, f]) s.close();
});

test('heartbeat: ": ping" after a second of silence, past the request timeout', async () => {
  const s = await open('?measurement=quiet');
  await new Promise((res) => setTimeout(res, 2600));
  assert.ok(!s.ended);
  assert.ok((s.text.match(/^: ping\n\n/gm) || []).length >= 2, JSON.stringify(s.text));
  s.close();
});

test('a client that stops reading is dropped; the others go on; memory stays bounded', async () => {
  const rss = () => Number(readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) * 1024;
  const dropped = await metric('ioc_http_streams_dropped_total');
  const reader = await open('?measurement=flood&field=v');
  // a raw client that sends the request and never reads
  const stuck = net.connect(new URL(srv.url).port, '127.0.0.1');
  stuck.pause();
  stuck.write(`GET /api/v1/stream?measurement=flood HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n\r\n`);
  await until('two streams', async () => (await metric('ioc_telemetry_stream_subscribers')) >= 2);
  const before = rss();
  const lines = [];
  for (let i = 0; i < 5000; i++) lines.push(`flood,station=S${i % 50},long=${'x'.repeat(40)} w=${i} ${1700000000000000000 + i}`);
  const body = `${lines.join('\n')}\n`;
  // the stuck client is cut once its buffer is full and it took nothing for 5 s (net_stream_offer)
  const end = Date.now() + 30000;
  while (Date.now() < end && (await metric('ioc_http_streams_dropped_total')) === dropped) {
    await write(body);
    await new Promise((r) => setTimeout(r, 100));
  }
  await until('the drop', async () => (await metric('ioc_http_streams_dropped_total')) > dropped);
  // the reader may have fallen behind the flood: then its next batch is a reset, and the
  // batches after it come as usual
  await until('the reader still served', async () => {
    await write('flood v=1 1700000000000000000\n');
    return reader.events.some((e) => e.data.includes('"field":"v"'));
  });
  assert.ok(!reader.ended);
  if (!/asan|tsan/.test(IOCD) && !process.env.ASAN_OPTIONS && !process.env.TSAN_OPTIONS) assert.ok(rss() - before < 48 << 20, `RSS grew by ${rss() - before}`);
  stuck.destroy();
  reader.close();
});

test('the limit of open streams: one more is refused with 503', async () => {
  await until('no streams open', async () => (await metric('ioc_http_streams')) === 0);
  const open1 = [];
  for (let i = 0; i < MAX_CLIENTS; i++) open1.push(await open('?measurement=lim'));
  assert.ok(open1.every((s) => s.status === 200));
  const r = await fetch(`${srv.url}/api/v1/stream?measurement=lim`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(r.status, 503);
  assert.equal((await r.json()).error.code, 'unavailable');
  open1.pop().close();
  await until('a free slot', async () => (await metric('ioc_http_streams')) < MAX_CLIENTS);
  const again = await open('?measurement=lim');
  assert.equal(again.status, 200);
  for (const s of [...open1, again]) s.close();
});

test('SIGTERM with three streams open: iocd exits within a few seconds', async () => {
  const streams = [await open('?measurement=stop'), await open('?measurement=stop'), await open('?measurement=stop')];
  await write('stop v=1 1700000000000000000\n');
  await until('events', () => streams.every((s) => s.events.length === 1));
  const t0 = Date.now();
  const r = await srv.stop();
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
  assert.equal(r.code, 0, srv.stderr.slice(-3000));
  await until('streams ended', () => streams.every((s) => s.ended));
});
