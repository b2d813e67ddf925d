// Concurrency stress: several keep-alive connections write (POST agencies as admin) while others
// read, all at once, for a few seconds. Guards against state shared between event-loop threads:
// h2o 2.2.5 keeps a per-thread recycle allocator for socket input buffers, and any h2o object
// made on one thread but read on another corrupted the heap under exactly this load (answers of
// the storage writer arriving on two loops at once). Afterwards the server must be alive, every
// acknowledged write must be stored, and SIGTERM must end it with status 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startDemo, PASSWORDS, tsanReports } from './lib.mjs';

const SECONDS = Number(process.env.IOC_STRESS_SECONDS || 6);
const WRITERS = 4;
const READERS = 3;

// One keep-alive connection: its own agent with a single socket, so requests queue on it.
function connection(base) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let cookie = '';
  let csrf = '';
  function req(method, path, body) {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers = {};
      if (cookie) headers.cookie = cookie;
      if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(payload);
      }
      const r = http.request(base + path, { method, agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          const sc = res.headers['set-cookie'];
          const m = sc && String(sc).match(/ioc_session=([^;]*)/);
          if (m) cookie = `ioc_session=${m[1]}`;
          let parsed = text;
          try { parsed = JSON.parse(text); } catch { /* not JSON */ }
          resolve({ status: res.statusCode, body: parsed });
        });
        res.on('error', reject);
      });
      r.on('error', reject);
      if (payload !== undefined) r.write(payload);
      r.end();
    });
  }
  return {
    req,
    async login() {
      const r = await req('POST', '/api/v1/session', { username: 'admin', password: PASSWORDS.admin });
      assert.equal(r.status, 200, `login: ${JSON.stringify(r.body)}`);
      csrf = r.body.csrf_token;
    },
    close() { agent.destroy(); },
  };
}

test('parallel keep-alive writers and readers: no crash, every acknowledged write stored', async (t) => {
  const srv = await startDemo({ args: ['--threads', '4'] });
  const why = () => tsanReports(srv.stderr) || srv.stderr.slice(-2000);
  const deadline = Date.now() + SECONDS * 1000;
  const acknowledged = [];
  const counts = { writes: 0, reads: 0 };
  const run = Date.now().toString(36).toUpperCase();

  async function writer(w) {
    const c = connection(srv.url);
    await c.login();
    for (let i = 0; Date.now() < deadline; i++) {
      const code = `ST-${run}-${w}-${i}`;
      const r = await c.req('POST', '/api/v1/agencies', { code, name: `Stress ${w} ${i}` });
      assert.equal(r.status, 201, `POST ${code}: ${r.status} ${JSON.stringify(r.body)}`);
      acknowledged.push(code);
      counts.writes++;
    }
    c.close();
  }
  async function reader(k) {
    const c = connection(srv.url);
    await c.login();
    const paths = ['/healthz', '/api/v1/units?level=province', '/api/v1/units/lookup?lat=10.95&lon=106.82'];
    for (let i = 0; Date.now() < deadline; i++) {
      const r = await c.req('GET', paths[(i + k) % paths.length]);
      assert.equal(r.status, 200, `GET ${paths[(i + k) % paths.length]}: ${r.status}`);
      counts.reads++;
    }
    c.close();
  }

  const tasks = [];
  for (let w = 0; w < WRITERS; w++) tasks.push(writer(w));
  for (let k = 0; k < READERS; k++) tasks.push(reader(k));
  const results = await Promise.allSettled(tasks);
  const failures = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
  assert.deepEqual(failures, [], `load failed (server stderr: ${why()})`);
  assert.ok(counts.writes > 0 && counts.reads > 0, JSON.stringify(counts));

  const check = connection(srv.url);
  assert.equal((await check.req('GET', '/healthz')).status, 200, 'alive after the load');
  await check.login();
  const list = await check.req('GET', '/api/v1/agencies');
  assert.equal(list.status, 200);
  const items = Array.isArray(list.body) ? list.body : (list.body.items || list.body.agencies || []);
  const stored = new Set(items.map((a) => a.code));
  const missing = acknowledged.filter((code) => !stored.has(code));
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} of ${acknowledged.length} acknowledged agencies missing`);
  check.close();

  const { code, signal } = await srv.stop();
  assert.equal(signal, null, `iocd died by ${signal}: ${why()}`);
  assert.equal(code, 0, `iocd exit ${code}: ${why()}`);
  srv.cleanup();
  t.diagnostic(`stress: ${counts.writes} writes, ${counts.reads} reads in ${SECONDS} s`);
});
