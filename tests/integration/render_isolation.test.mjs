// Anonymous GeoJSON renders cannot stall logins or evict the console's boundaries: renders and
// password checks have separate workers, one address may have 4 renders in flight (429 beyond),
// the render queue is bounded (503 beyond), and the bodies the console loads first sit in a
// pinned area of the cache. Addresses come from X-Forwarded-For (trusted from loopback here).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, Client, IOCD } from './lib.mjs';

const LOGIN_MS = /asan/.test(IOCD) ? 2500 : 1000; // argon2id takes ~0.1 s; ASan is slower
const CONSOLE = '/api/v1/units.geojson?level=commune&simplify=50';

let srv;
before(async () => {
  srv = await startDemo({
    env: { IOC_HTTP_TRUST_FORWARDED_FOR: 'true', IOC_GEO_GEOJSON_CACHE: '2', IOC_GEO_RENDER_QUEUE: '8' },
  });
});
after(async () => {
  await srv.stop();
  assert.doesNotMatch(srv.stderr, /ERROR: AddressSanitizer|runtime error:/); // under ASan/UBSan
  srv.cleanup();
});

const from = (ip) => ({ headers: { 'x-forwarded-for': ip } });
const day = (i) => new Date(Date.UTC(2025, 6, 1 + i)).toISOString().slice(0, 10); // after the 2025 reform

async function metric(name) {
  const text = (await new Client(srv.url).get('/metrics')).text;
  const m = text.match(new RegExp(`^${name} (\\d+)`, 'm'));
  assert.ok(m, `${name} is exported`);
  return Number(m[1]);
}

test('20 parallel anonymous renders: a login still completes within ~1 s; the console boundaries stay cached', async () => {
  const c = new Client(srv.url);
  const first = await c.get(CONSOLE);
  assert.equal(first.status, 200);
  const etag = first.headers.get('etag');
  assert.ok(etag);
  assert.equal((await c.login('admin')).status, 200); // the first hash pays for page faults
  const renders = await metric('ioc_geojson_renders_total');

  const flood = Promise.all(Array.from({ length: 20 }, (_, i) => new Client(srv.url).get(
    `/api/v1/units.geojson?level=commune&simplify=100&at=${day(i)}`, from(`10.9.0.${i % 10}`))));
  await new Promise((r) => setTimeout(r, 100)); // the renders are queued and running
  const t0 = Date.now();
  const login = await new Client(srv.url).login('leader');
  const took = Date.now() - t0;
  // the flood is awaited before anything is asserted: a failure here must not leave its renders
  // queued, or the next test's renders meet a full queue (503) and fail as well
  const rs = await flood;
  assert.equal(login.status, 200);
  assert.ok(took < LOGIN_MS, `the login took ${took} ms during the flood`);

  const codes = rs.map((r) => r.status);
  assert.ok(codes.every((s) => s === 200 || s === 503), codes.join(','));
  assert.ok(codes.includes(200), 'some renders are served');
  const busy = rs.find((r) => r.status === 503);
  assert.ok(busy, 'the bounded render queue refuses the rest');
  assert.ok(Number(busy.headers.get('retry-after')) >= 1);
  assert.ok(await metric('ioc_geojson_renders_total') > renders);

  // the flood rendered and cached more bodies than the general area holds: the console's stay
  const before = await metric('ioc_geojson_renders_total');
  const t1 = Date.now();
  const again = await c.get(CONSOLE);
  assert.equal(again.status, 200);
  assert.equal(again.headers.get('etag'), etag);
  assert.equal(await metric('ioc_geojson_renders_total'), before, 'served from the cache, not re-rendered');
  assert.ok(Date.now() - t1 < LOGIN_MS, 'and fast');
  const cond = await c.get(CONSOLE, { headers: { 'if-none-match': etag } });
  assert.equal(cond.status, 304);
});

test('one address may have 4 renders in flight; beyond: 429 with Retry-After, other addresses go on', async () => {
  const ask = (i, ip) => new Client(srv.url).get(
    `/api/v1/units.geojson?level=commune&simplify=200&at=${day(40 + i)}`, from(ip));
  const other = ask(9, '10.8.0.2');
  const rs = await Promise.all(Array.from({ length: 7 }, (_, i) => ask(i, '10.8.0.1')));
  assert.equal((await other).status, 200, 'another address is served meanwhile');
  const codes = rs.map((r) => r.status);
  assert.equal(codes.filter((s) => s === 200).length, 4, codes.join(','));
  assert.equal(codes.filter((s) => s === 429).length, 3, codes.join(','));
  const limited = rs.find((r) => r.status === 429);
  assert.equal(limited.body.error.code, 'rate_limited');
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
});

test('simplify is rounded down to the 1-2-5 ladder: 70 and 50 are the same body', async () => {
  const c = new Client(srv.url);
  const a = await c.get('/api/v1/units.geojson?level=province&simplify=50');
  const renders = await metric('ioc_geojson_renders_total');
  const b = await c.get('/api/v1/units.geojson?level=province&simplify=70');
  assert.equal(b.status, 200);
  assert.equal(b.headers.get('etag'), a.headers.get('etag'));
  assert.equal(await metric('ioc_geojson_renders_total'), renders);
});
