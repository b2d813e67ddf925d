// MQTT ingest in iocd: a real mosquitto on a free loopback port (config in a temp dir, no
// persistence), iocd subscribed to it ([mqtt] through IOC_MQTT_* variables), mosquitto_pub as
// the publisher. Line protocol and JSON payloads become queryable points; a bad payload is
// counted while its good lines are stored; with the broker down HTTP ingest still works and
// /metrics says so; the broker back, iocd reconnects; iocd starts without a broker and stops
// promptly while the broker is down. Also passes with IOCD=build/asan/iocd and build/tsan/iocd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startDemo, startServer, tempDir, Client } from './lib.mjs';

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto']
  .find((p) => spawnSync('test', ['-x', p]).status === 0);
const T0 = 1750000000; // seconds
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function portOpen(port) {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.on('connect', () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false));
  });
}

// A mosquitto on 127.0.0.1:port; start() waits until it listens, kill() until it exited.
function broker(port, dir) {
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  let proc = null;
  return {
    port,
    async start() {
      assert.ok(MOSQUITTO, 'mosquitto is not installed (Debian: mosquitto, mosquitto-clients); run scripts/deps.sh test');
      proc = spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
      for (let i = 0; i < 300 && !(await portOpen(port)); i++) await sleep(10);
      assert.ok(await portOpen(port), `mosquitto did not listen on ${port}`);
    },
    async kill() {
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise((r) => proc.on('exit', r));
      proc.kill('SIGKILL');
      await gone;
    },
  };
}

function publish(port, topic, payload) {
  const r = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-q', '1', '-t', topic, '-m', payload],
                      { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 0, `mosquitto_pub to ${topic}: ${r.stderr}`);
}

function mqttEnv(port) {
  return {
    IOC_MQTT_ENABLED: 'true', IOC_MQTT_PORT: String(port), IOC_MQTT_CLIENT_ID: `iocd-test-${port}`,
    IOC_MQTT_BACKOFF_MIN_MS: '100', IOC_MQTT_BACKOFF_MAX_MS: '400', IOC_MQTT_KEEPALIVE_S: '5',
  };
}

async function metrics(url) {
  const t = await (await fetch(`${url}/metrics`)).text();
  const out = {};
  for (const m of t.matchAll(/^(ioc_mqtt_\w+|ioc_telemetry_\w+) (\d+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

// /metrics once the counter name grew by at least n since before. The sink counts a message
// after its done callback, a little after its points can be read.
async function grown(before, name, n) {
  return until(async () => { const m = await metrics(srv.url); return m[name] - before[name] >= n && m; },
               10000, `${name} + ${n}`);
}

// Polls fn until it returns a truthy value (then returns it) or ms pass.
async function until(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

let dir, B, srv, key, readKey;

function read(p) {
  return fetch(srv.url + p, { headers: { authorization: `Bearer ${readKey}` } }).then(async (r) => {
    assert.equal(r.status, 200, `${p}: ${await r.clone().text()}`);
    return r.json();
  });
}

// The last value of measurement m, field f (tags filtered by q), or undefined.
async function latest(m, f, q = '') {
  const j = await read(`/api/v1/latest?measurement=${m}${q}`);
  return j.series.find((s) => s.field === f);
}

// Publishes probes until one is counted (iocd's subscription is in place), then waits until
// no more arrive (an earlier probe may still be on its way), so tests can count exactly.
async function synced() {
  await until(async () => (await metrics(srv.url)).ioc_mqtt_connected === 1, 10000, 'ioc_mqtt_connected 1');
  const count = async () => (await metrics(srv.url)).ioc_mqtt_messages_total;
  for (let i = 0; i < 50; i++) {
    const before = await count();
    publish(B.port, 'ioc/probe', `probe v=1 ${T0}000000000`);
    for (let k = 0; k < 10; k++) {
      if ((await count()) > before) {
        for (let n = await count(); ; ) {
          await sleep(300);
          const m = await count();
          if (m === n) return;
          n = m;
        }
      }
      await sleep(50);
    }
  }
  assert.fail('iocd never received a probe');
}

before(async () => {
  dir = tempDir('ioc-mqtt-');
  B = broker(await freePort(), dir);
  await B.start();
  srv = await startDemo({ env: mqttEnv(B.port), waitIndex: false }); // no unit lookups here
  const staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
  let r = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['write:telemetry'] });
  assert.equal(r.status, 201);
  key = r.body.key;
  r = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['read:telemetry'] });
  assert.equal(r.status, 201);
  readKey = r.body.key;
  await synced();
});

after(async () => {
  await srv?.stop();
  await B?.kill();
  srv?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('a line-protocol message is stored: /api/v1/query and /api/v1/latest see it', async () => {
  const before = await metrics(srv.url);
  publish(B.port, 'ioc/air', `mq,station=m1 pm25=12.5,n=3i ${T0}000000000\nmq,station=m1 pm25=14.5,n=4i ${T0 + 60}000000000`);
  const pm = await until(async () => { const s = await latest('mq', 'pm25'); return s?.value === 14.5 && s; }, 10000, 'mq pm25');
  assert.deepEqual(pm.tags, { station: 'm1' });
  assert.equal(pm.time, (T0 + 60) * 1000);
  assert.equal((await latest('mq', 'n')).value, 4);
  const q = await read(`/api/v1/query?measurement=mq&field=pm25&start=${T0}&end=${T0 + 120}&step=2m&agg=mean`);
  assert.deepEqual(q.series[0].points, [[T0 * 1000, 13.5]]);
  const after_ = await grown(before, 'ioc_mqtt_stored_points_total', 4);
  assert.equal(after_.ioc_mqtt_stored_points_total - before.ioc_mqtt_stored_points_total, 4);
  assert.ok(after_.ioc_telemetry_points_accepted_total - before.ioc_telemetry_points_accepted_total >= 4);
});

test('a JSON message is stored under the measurement named by its topic', async () => {
  publish(B.port, 'ioc/mqj/DN-01', JSON.stringify({
    time: new Date((T0 + 5) * 1000).toISOString(), tags: { station: 'j1' },
    fields: { pm25: 7.25, aqi: { int: '31' }, note: 'skipped' },
  }));
  const pm = await until(() => latest('mqj', 'pm25', '&tag.station=j1'), 10000, 'mqj pm25');
  assert.equal(pm.value, 7.25);
  assert.equal(pm.time, (T0 + 5) * 1000);
  assert.equal((await latest('mqj', 'aqi')).value, 31);
  assert.ok((await metrics(srv.url)).ioc_mqtt_skipped_string_fields_total >= 1);
});

test('a bad payload is counted; its good lines are stored', async () => {
  const before = await metrics(srv.url);
  publish(B.port, 'ioc/bad', `mqbad,s=1 v=1 ${T0}000000000\nthis is not line protocol\nmqbad,s=1 v=2 ${T0 + 1}000000000`);
  const v = await until(async () => { const s = await latest('mqbad', 'v'); return s?.value === 2 && s; }, 10000, 'mqbad v');
  assert.equal(v.time, (T0 + 1) * 1000);
  const m = await grown(before, 'ioc_mqtt_stored_points_total', 2);
  assert.equal(m.ioc_mqtt_bad_payloads_total - before.ioc_mqtt_bad_payloads_total, 1);
  assert.equal(m.ioc_mqtt_bad_entries_total - before.ioc_mqtt_bad_entries_total, 1);
  assert.equal(m.ioc_mqtt_stored_points_total - before.ioc_mqtt_stored_points_total, 2);
});

test('a point refused by the engine (type conflict) is counted with the message', async () => {
  const before = await metrics(srv.url);
  publish(B.port, 'ioc/air', `mq,station=m1 n=1.5,pm25=20 ${T0 + 120}000000000`); // n is an integer
  await until(async () => (await latest('mq', 'pm25'))?.value === 20, 10000, 'mq pm25 20');
  const m = await grown(before, 'ioc_mqtt_stored_points_total', 1);
  assert.equal(m.ioc_mqtt_refused_points_total - before.ioc_mqtt_refused_points_total, 1);
  assert.equal(m.ioc_mqtt_stored_points_total - before.ioc_mqtt_stored_points_total, 1);
  // counted once with the HTTP writes' refusals too
  assert.equal(m.ioc_telemetry_points_refused_total - before.ioc_telemetry_points_refused_total, 1);
  assert.equal((await latest('mq', 'n')).value, 4);
});

test('broker down: HTTP writes still answer 204 and are queryable; broker back: reconnected', async () => {
  await B.kill();
  await until(async () => (await metrics(srv.url)).ioc_mqtt_connected === 0, 10000, 'ioc_mqtt_connected 0');
  const r = await fetch(`${srv.url}/write?precision=s`, {
    method: 'POST', headers: { authorization: `Token ${key}` }, body: `viahttp,s=h v=42 ${T0}\n`,
  });
  assert.equal(r.status, 204, await r.text());
  assert.equal((await latest('viahttp', 'v')).value, 42);

  const reconnects = (await metrics(srv.url)).ioc_mqtt_reconnects_total;
  await B.start();
  await synced();
  assert.ok((await metrics(srv.url)).ioc_mqtt_reconnects_total > reconnects);
  publish(B.port, 'ioc/air', `mqafter v=9 ${T0}000000000`);
  assert.equal((await until(() => latest('mqafter', 'v'), 10000, 'mqafter v')).value, 9);
});

test('SIGTERM stops iocd promptly while the broker is down', async () => {
  await B.kill();
  await until(async () => (await metrics(srv.url)).ioc_mqtt_connected === 0, 10000, 'ioc_mqtt_connected 0');
  const t = Date.now();
  const { code } = await srv.stop();
  assert.equal(code, 0);
  assert.ok(Date.now() - t < 3000, `stopped in ${Date.now() - t} ms`);
  srv.cleanup();
  srv = null;
});

test('iocd with MQTT enabled and no broker starts, serves HTTP and stops promptly', async () => {
  const port = await freePort(); // nothing listens there
  const s = await startServer({ env: mqttEnv(port) });
  try {
    assert.equal((await fetch(`${s.url}/ping`)).status, 204);
    const m = await metrics(s.url);
    assert.equal(m.ioc_mqtt_connected, 0);
    assert.equal(m.ioc_mqtt_connects_total, 0);
    const t = Date.now();
    assert.equal((await s.stop()).code, 0);
    assert.ok(Date.now() - t < 3000, `stopped in ${Date.now() - t} ms`);
  } finally {
    s.cleanup();
  }
});

test('a bad [mqtt] setting stops iocd at start with a message naming it', async () => {
  const s = startServer({ env: { ...mqttEnv(1883), IOC_MQTT_PRECISION: 'weeks' } });
  await assert.rejects(s, /mqtt\.precision must be ns, us, ms, s, m or h/);
  const p = startServer({ env: { ...mqttEnv(1883), IOC_MQTT_PASSWORD: 'secret' } });
  await assert.rejects(p, /mqtt\.password needs mqtt\.username/);
});

test('without [mqtt] enabled, /metrics has no ioc_mqtt_ series', async () => {
  const s = await startServer();
  try {
    assert.ok(!/^ioc_mqtt_/m.test(await (await fetch(`${s.url}/metrics`)).text()));
    await s.stop();
  } finally {
    s.cleanup();
  }
});
