// The daily figures for the indicators (src/environment/figures.c, written by src/indicators,
// docs/indicators.md "Computed figures"): readings written over line protocol, the VN_AQI figures
// per commune and day computed by `iocctl figures compute` (iocd stopped) and by iocd itself at
// start (its catch-up of the last days), read back through GET /api/v1/indicators/…/values and
// checked against numbers worked out BY HAND (Table 2 of Decision 1459: PM2.5 25 → 50,
// 50 → 100, 80 → 150, linear between). Running a day again writes no revision.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDataDir, Client, iocctl } from './lib.mjs';

const servers = [];
after(() => servers.forEach((s) => s.cleanup()));

const DAY_MS = 86400000;
// A local (UTC+7) day n days before today, as YYYY-MM-DD, and the Unix second of the middle of
// its hour labelled hh (1 … 24: the hour labelled hh holds the readings of the hour before it).
const localDay = (n) => new Date(Date.now() + 7 * 3600000 - n * DAY_MS).toISOString().slice(0, 10);
const inHour = (day, hh) => Date.parse(`${day}T00:00:00+07:00`) / 1000 + hh * 3600 - 1800;
const OLD = localDay(20); // outside iocd's catch-up at start: only iocctl computes it
const RECENT = localDay(2); // inside it

async function until(what, fn, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function lines(station, day, pm25) {
  let s = '';
  for (let h = 1; h <= 24; h++) s += `air,station=${station} pm25=${pm25} ${inHour(day, h)}\n`;
  return s;
}

test('VN_AQI figures per commune and day: iocctl figures compute, iocd at start, no revision when run again', async () => {
  let srv = await startServer({ data: seededDataDir(), demo: true });
  servers.push(srv);
  const data = srv.data;
  const op = new Client(srv.url);
  assert.equal((await op.login('operator')).status, 200);
  const st = { name_vi: 'Trạm thử', name_en: 'Test station', kind: 'air', lat: 10.9435, lon: 106.8207, measures: ['pm25'] };
  const put = await until('the point index', async () => {
    const r = await op.put('/api/v1/stations/FIG-1', st);
    return r.status !== 503 && r;
  });
  assert.equal(put.status, 201, JSON.stringify(put.body));
  const r2 = await op.put('/api/v1/stations/FIG-2', { ...st, lat: 10.9436, lon: 106.8208 });
  assert.equal(r2.status, 201, JSON.stringify(r2.body));
  const commune = put.body.commune;
  assert.ok(commune, JSON.stringify(put.body));
  assert.equal(r2.body.commune, commune);

  const staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
  const k = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['write:telemetry'] });
  assert.equal(k.status, 201);
  // OLD: FIG-1 PM2.5 65 all day (100 + 50/30·15 = 125), FIG-2 40 (50 + 2·15 = 80): the commune's
  // daily AQI (125 + 80) / 2 = 102.5, over 100; its highest hour 125.
  // RECENT: FIG-1 40 all day, FIG-2 nothing: 80, not over 100, highest hour 80.
  const body = lines('FIG-1', OLD, 65) + lines('FIG-2', OLD, 40) + lines('FIG-1', RECENT, 40);
  const w = await fetch(`${srv.url}/write?precision=s`, { method: 'POST', headers: { authorization: `Token ${k.body.key}` }, body });
  assert.equal(w.status, 204, await w.text());

  // iocctl needs the telemetry iocd holds
  let r = iocctl(data, ['figures', 'compute', '--from', OLD, '--to', OLD]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /stop it first/);
  await srv.stop();

  r = iocctl(data, ['figures', 'compute', '--from', OLD, '--to', OLD]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /3 values: 3 added, 0 revised, 0 unchanged, 0 refused/);
  r = iocctl(data, ['figures', 'compute', '--from', OLD, '--to', OLD]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /3 values: 0 added, 0 revised, 3 unchanged, 0 refused/);
  r = iocctl(data, ['figures', 'compute', '--from', OLD, '--to', '2020-01-01']);
  assert.equal(r.status, 2);

  srv = await startServer({ data, demo: true });
  servers.push(srv);
  const admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  const value = async (code, day) => {
    const v = await admin.get(`/api/v1/indicators/${code}/values?unit=${commune}&from=${day}&to=${day}`);
    assert.equal(v.status, 200, JSON.stringify(v.body));
    assert.equal(v.body.values.length, 1);
    return v.body.values[0].value;
  };
  assert.equal(await value('MT.AQI', OLD), 102.5);
  assert.equal(await value('MT.AQI_NGAY_XAU', OLD), 1);
  assert.equal(await value('MT.AQI_MAX', OLD), 125);
  // iocd's catch-up at start computes RECENT
  await until('the catch-up of iocd', async () => (await value('MT.AQI', RECENT)) === 80);
  assert.equal(await value('MT.AQI_NGAY_XAU', RECENT), 0);
  assert.equal(await value('MT.AQI_MAX', RECENT), 80);
  // one revision each: iocctl's second run and iocd's catch-up changed nothing
  const rev = await admin.get(`/api/v1/indicators/MT.AQI/values/${commune}/${OLD}/revisions`);
  assert.equal(rev.status, 200, JSON.stringify(rev.body));
  assert.equal(rev.body.count, 1);
  assert.deepEqual([rev.body.revisions[0].who, rev.body.revisions[0].source], ['iocctl', 'telemetry']);
  const rec = await admin.get(`/api/v1/indicators/MT.AQI/values/${commune}/${RECENT}/revisions`);
  assert.equal(rec.body.revisions[0].who, 'figures');
  // the month rolls the days up by the indicator's rule: 1 day over 100 in OLD's month (sum)
  const month = OLD.slice(0, 7);
  const m = await admin.get(`/api/v1/indicators/MT.AQI_NGAY_XAU/values?unit=${commune}&from=${month}&to=${month}&rollup=month`);
  assert.equal(m.status, 200, JSON.stringify(m.body));
  assert.equal(m.body.values[0].period, month);
  assert.equal(m.body.values[0].value, 1); // RECENT, if in the same month, adds 0
  await srv.stop();
});

test('citizen reports per commune and day: received, by group, resolved none', async () => {
  let srv = await startServer({ data: seededDataDir(), demo: true });
  servers.push(srv);
  const data = srv.data;
  const admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  const k = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:reports'], name: 'figures test' });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  const report = { api_key: k.body.key, service_code: 'rac-thai', lat: '10.95', long: '106.82', // commune 26041
    'attribute[loai-rac][]': 'sinh-hoat', description: 'Rác tồn đọng (dữ liệu thử)' };
  for (let i = 0; i < 2; i++) {
    const r = await until('the point index', async () => {
      const x = await fetch(`${srv.url}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams(report).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      await x.arrayBuffer();
      return x.status !== 503 && x;
    });
    assert.equal(r.status, 201);
  }
  await srv.stop();
  const today = localDay(0);
  const r = iocctl(data, ['figures', 'compute', '--from', today, '--to', today]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /11 values: 11 added/); // the 11 counts of one commune-day, no TG_XULY
  srv = await startServer({ data, demo: true });
  servers.push(srv);
  const a = new Client(srv.url);
  assert.equal((await a.login('admin')).status, 200);
  const value = async (code) => {
    const v = await a.get(`/api/v1/indicators/${code}/values?unit=26041&from=${today}&to=${today}`);
    assert.equal(v.status, 200, JSON.stringify(v.body));
    return v.body.values[0].value;
  };
  assert.equal(await value('PAHT.TIEPNHAN'), 2);
  assert.equal(await value('PAHT.PA_MT'), 2); // rac-thai is in the group moi-truong
  assert.equal(await value('PAHT.PA_GT'), 0);
  assert.equal(await value('PAHT.DAXULY'), 0);
  assert.equal(await value('PAHT.TG_XULY'), null);
  await srv.stop();
});
