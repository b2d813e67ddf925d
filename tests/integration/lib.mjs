// Helpers for the integration tests: start the real iocd on 127.0.0.1 with port 0 and a
// temporary data directory, talk to it, stop it. IOCD selects the binary (the ASan build runs
// the same tests). A seeded demo data directory is made once per run and copied for each server,
// so seeding cost is paid once.
import { after } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, cpSync, existsSync, mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const IOCD = process.env.IOCD || path.join(ROOT, 'build/iocd');
export const IOCCTL = process.env.IOCCTL || path.join(ROOT, 'build/iocctl');
export const PASSWORDS = {
  admin: 'admin-test-pass-1', leader: 'leader-test-pass-1',
  operator: 'operator-test-pass-1', staff: 'staff-test-pass-1',
};
export const DEMO_ENV = {
  IOC_DEMO_PASSWORD_ADMIN: PASSWORDS.admin, IOC_DEMO_PASSWORD_LEADER: PASSWORDS.leader,
  IOC_DEMO_PASSWORD_OPERATOR: PASSWORDS.operator, IOC_DEMO_PASSWORD_STAFF: PASSWORDS.staff,
  IOC_DEMO_UNITS_DIR: path.join(ROOT, 'data/vn-units'),
  IOC_DEMO_INDICATORS_DIR: path.join(ROOT, 'data/indicators'),
  IOC_DEMO_DASHBOARDS_DIR: path.join(ROOT, 'data/dashboards'),
  IOC_DEMO_REPORTS_DIR: path.join(ROOT, 'data/reports'),
  IOC_DEMO_STATIONS_DIR: path.join(ROOT, 'data/environment'),
  // the synthetic sensors would write points under every test; demo_sensors.test.mjs turns them on
  IOC_DEMO_SENSORS: 'false',
  IOC_DEMO_INDICATOR_VALUES: 'false', // millions of rows; demo_values.test.mjs turns them on
  // the synthetic reports would take the request ids the matrix and the Open311 tests count on;
  // tests/web/reports.test.mjs has them (tests/web/lib/iocd.mjs keeps the default, on)
  IOC_DEMO_REPORTS: 'false',
  // the citizen reports' limits per address and device (open311_limits.test.mjs tests them):
  // the Open311 and matrix tests submit many reports from one address
  IOC_REPORTS_POST_PER_HOUR_PER_ADDRESS: '0',
  IOC_REPORTS_POST_PER_HOUR_PER_DEVICE: '0',
};

export function tempDir(prefix = 'ioc-test-') {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

// The ThreadSanitizer reports in iocd's stderr (the TSan build, see `make tsan`), or ''.
export function tsanReports(stderr) {
  const i = stderr.indexOf('WARNING: ThreadSanitizer');
  return i < 0 ? '' : stderr.slice(i, i + 20000);
}

// Every iocd a test file started and that still runs 5 s after the file's tests and hooks are
// done (a test that failed before stopping its server) is killed then: its open pipes would
// otherwise keep the file's process alive until the runner's timeout, and the whole file would
// fail as well. This hook runs before the file's own after hooks (it is registered first), so it
// only arms an unref'd timer: a file whose servers all stopped exits at once.
const running = new Set();
after(() => {
  setTimeout(() => { for (const proc of running) proc.kill('SIGKILL'); }, 5000).unref();
});

// Starts iocd; resolves when it prints "listening on URL". opts: {data, demo, args, env}
// stop() and kill9() throw when iocd reported a data race, so a TSan run fails the test.
export async function startServer(opts = {}) {
  const data = opts.data || tempDir();
  const args = ['--listen', '127.0.0.1:0', '--data', data, '--web-root',
                opts.webRoot || path.join(ROOT, 'build/web'), ...(opts.args || [])];
  if (opts.demo) args.push('--demo');
  const env = { ...process.env, IOC_LOG_LEVEL: 'warn', ...DEMO_ENV, ...(opts.env || {}) };
  const proc = spawn(IOCD, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  proc.on('exit', () => running.delete(proc));
  let stdout = '', stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`iocd did not start in 30 s\n${stderr}`)), 30000);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`iocd exited ${code}\n${stderr}`)); });
  });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    url, proc, data, exited,
    get stdout() { return stdout; }, get stderr() { return stderr; },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const r = await exited;
      const races = tsanReports(stderr);
      if (races) throw new Error(`iocd reported data races:\n${races}`);
      return r;
    },
    async kill9() {
      proc.kill('SIGKILL');
      const r = await exited;
      const races = tsanReports(stderr);
      if (races) throw new Error(`iocd reported data races:\n${races}`);
      return r;
    },
    // Also ends an iocd a failed test left running: its open pipes would keep the test file's
    // process alive until the runner's timeout, and the file would be reported as failing too.
    cleanup() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      rmSync(data, { recursive: true, force: true });
    },
  };
}

// A data directory with the demo province already seeded (made once per test run).
export function seededDataDir() {
  const base = process.env.IOC_TEST_TEMPLATE || path.join(tmpdir(), `ioc-template-${process.ppid}`);
  const template = path.join(base, 'data');
  if (!existsSync(path.join(template, 'ioc.db'))) {
    mkdirSync(base, { recursive: true });
    const work = mkdtempSync(path.join(base, 'seeding-'));
    const r = spawnSync(IOCD, ['--data', work, '--seed-only'], {
      env: { ...process.env, IOC_LOG_LEVEL: 'warn', ...DEMO_ENV },
      timeout: 120000, encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`seeding failed: ${r.status} ${r.stderr}`);
    try { renameSync(work, template); } catch { /* another process made it first */ }
  }
  const dir = tempDir();
  cpSync(template, dir, { recursive: true });
  return dir;
}

// A demo server; unless opts.waitIndex is false, resolves once the point index is published
// (before that, lookups answer 503 "starting": the index is built off the event loops).
export async function startDemo(opts = {}) {
  const srv = await startServer({ ...opts, data: seededDataDir(), demo: true });
  if (opts.waitIndex !== false) await waitForIndex(srv.url);
  return srv;
}

export async function waitForIndex(url, ms = 30000) {
  const until = Date.now() + ms;
  for (;;) {
    const r = await fetch(`${url}/api/v1/units/lookup?lat=10.95&lon=106.82`);
    await r.arrayBuffer();
    if (r.status !== 503) return;
    if (Date.now() > until) throw new Error('the point index was not built in time');
    await new Promise((res) => setTimeout(res, 50));
  }
}

// fetch with a cookie jar per client; returns {status, headers, body (parsed JSON or text)}
export class Client {
  constructor(base) { this.base = base; this.cookie = ''; this.csrf = ''; }
  async req(method, p, { body, headers = {}, raw = false } = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    let payload = body;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      payload = JSON.stringify(body);
      h['content-type'] = h['content-type'] || 'application/json';
    }
    const res = await fetch(this.base + p, { method, headers: h, body: payload, redirect: 'manual' });
    const sc = res.headers.get('set-cookie');
    if (sc) {
      const m = sc.match(/ioc_session=([^;]*)/);
      if (m) this.cookie = m[1] ? `ioc_session=${m[1]}` : '';
    }
    // A stream (Server-Sent Events) never ends: its status and headers are the answer.
    if ((res.headers.get('content-type') || '').startsWith('text/event-stream')) {
      await res.body.cancel();
      return { status: res.status, headers: res.headers, body: '', text: '' };
    }
    const text = await res.text();
    let parsed = text;
    if (!raw && (res.headers.get('content-type') || '').includes('json') && text) {
      try { parsed = JSON.parse(text); } catch { parsed = text; }
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }
  get(p, o) { return this.req('GET', p, o); }
  post(p, body, o = {}) { return this.req('POST', p, { ...o, body }); }
  put(p, body, o = {}) { return this.req('PUT', p, { ...o, body }); }
  del(p, o) { return this.req('DELETE', p, o); }
  async login(username, password = PASSWORDS[username]) {
    const r = await this.post('/api/v1/session', { username, password });
    if (r.status === 200) this.csrf = r.body.csrf_token;
    return r;
  }
}

export function iocctl(data, args, input) {
  return spawnSync(IOCCTL, ['--data', data, ...args], { input, encoding: 'utf8', timeout: 60000 });
}

export function writeFile(p, s) { writeFileSync(p, s); return p; }
