// Water alarms across a restart (docs/environment.md, "Water levels"; issue 19). A crossing
// made while iocd was down is announced by the next start, once, exactly as a live reading's:
// the water_alarm point, the webhook of a receiver started here, the station's alarm state.
//
// The gap is made real with `iocctl import readings`: it writes into the data directory only
// while iocd is stopped, so the reading is stored but no running engine ever compared it — the
// same as a reading that reached the store just before a kill -9, before the engine saw it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { IOCCTL, seededDataDir, startServer, waitForIndex, Client, tempDir } from './lib.mjs';

const FAST = {
  IOC_WEBHOOKS_TIMEOUT_MS: '1500', IOC_WEBHOOKS_MAX_ATTEMPTS: '3',
  IOC_WEBHOOKS_BACKOFF_MS: '100', IOC_WEBHOOKS_BACKOFF_MAX_MS: '300',
};
const CODE = 'WL-RST';

async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Every request the receiver gets: the parsed body of each `station` delivery for CODE.
const got = [];
const rx = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (req.headers['x-ioc-event'] === 'station' && body.data?.code === CODE) got.push(body.data);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});
await new Promise((r) => rx.listen(0, '127.0.0.1', r));
const dir = tempDir('ioc-water-');
const data = seededDataDir();
let srv;
after(async () => {
  await srv?.stop();
  srv?.cleanup();
  rx.close();
  spawnSync('rm', ['-rf', dir]);
});

const start = async () => {
  srv = await startServer({ data, demo: true, env: FAST });
  await waitForIndex(srv.url);
  const admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  return admin;
};

// The water_alarm states stored for CODE since t (seconds), oldest first, with their times.
async function alarms(admin, t) {
  const r = await admin.get(`/api/v1/query?measurement=water_alarm&field=state&tag.station=${CODE}&start=${t}&end=${t + 600}&step=10s&agg=last`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body.series?.[0]?.points || []).filter((p) => p[1] !== null);
}

test('a crossing while iocd was down is announced at the next start, once', async () => {
  const now = Math.floor(Date.now() / 1000);
  let admin = await start();
  const hook = await admin.post('/api/v1/webhooks', { url: `http://127.0.0.1:${rx.address().port}/station`, events: ['station'] });
  assert.equal(hook.status, 201, JSON.stringify(hook.body));
  const put = await admin.put(`/api/v1/stations/${CODE}`, {
    name_vi: 'Trạm thử khởi động lại', name_en: 'Restart test station', kind: 'water_level',
    lat: 10.9436, lon: 106.8208, measures: ['level'], alarm1: 1, alarm2: 2, alarm3: 3,
  });
  assert.equal(put.status, 201, JSON.stringify(put.body));
  const k = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:telemetry'], name: 'water restart' });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  // live: 0.5 (the first reading), then 1.4 reaches I — one event
  for (const [level, t] of [[0.5, now - 300], [1.4, now - 240]]) {
    const w = await fetch(`${srv.url}/write?precision=s`, { method: 'POST', headers: { authorization: `Token ${k.body.key}` }, body: `water,station=${CODE} level=${level} ${t}\n` });
    assert.equal(w.status, 204, await w.text());
  }
  await until('the live delivery', () => got.length === 1);
  assert.deepEqual(got[0], { code: CODE, kind: 'water_level', alarm_state: 1, previous: 0, level: 1.4, at: new Date((now - 240) * 1000).toISOString() });
  await srv.stop();

  // down: the river reaches II; the reading is stored, no engine sees it
  const csv = path.join(dir, 'levels.csv');
  writeFileSync(csv, `time,measurement,tag.station,level\n${now - 120},water,${CODE},2.6\n`);
  const imp = spawnSync(IOCCTL, ['--data', data, 'import', 'readings', '--precision', 's', csv], { encoding: 'utf8' });
  assert.equal(imp.status, 0, imp.stdout + imp.stderr);

  admin = await start();
  await until('the delivery of the crossing made while down', () => got.length === 2);
  assert.deepEqual(got[1], { code: CODE, kind: 'water_level', alarm_state: 2, previous: 1, level: 2.6, at: new Date((now - 120) * 1000).toISOString() });
  const pts = await until('the water_alarm point', async () => {
    const p = await alarms(admin, now - 310);
    return p.length === 2 && p;
  });
  assert.deepEqual(pts.map((p) => p[1]), [1, 2]);
  const s = await admin.get(`/api/v1/stations/${CODE}`);
  assert.equal(s.body.alarm_state, 2);
  assert.equal(s.body.level, 2.6);
  await srv.stop();

  // a second restart: the series already says 2, as the latest reading does — nothing again
  admin = await start();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(got.length, 2, JSON.stringify(got));
  assert.equal((await alarms(admin, now - 310)).length, 2);
  assert.equal((await admin.get(`/api/v1/stations/${CODE}`)).body.alarm_state, 2);
});
