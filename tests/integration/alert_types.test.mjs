// The domain modules' alert rule types on a real iocd (docs/alerts.md "Types"):
// report_overdue — the demo's synthetic reports include open ones past their deadline; a rule
// made after the start learns them (one read, not a poll) and fires one alert per overdue
// report of its category, placed at the report, the summary naming the category and the
// deadline in Vietnam's time; an answer (a transition through the API) resolves its alert by
// the data within a second; a bad target answers 422 naming its field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, waitForIndex, Client } from './lib.mjs';

let srv, operator;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  srv = await startServer({ demo: true, env: { IOC_DEMO_REPORTS: 'true' } });
  await waitForIndex(srv.url);
  operator = new Client(srv.url);
  assert.equal((await operator.login('operator')).status, 200);
});
after(async () => { await srv?.stop(); srv?.cleanup(); });

async function alertsOf(rule) {
  const r = await operator.get(`/api/v1/alerts?rule=${rule}&limit=1000`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.alerts;
}

async function until(what, f, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out: ${what}`);
    await sleep(20);
  }
}

test('report_overdue: a rule fires for its category\'s overdue reports; an answer resolves one', async () => {
  let r = await operator.get('/api/v1/reports?overdue=true&page_size=100');
  assert.equal(r.status, 200);
  assert.ok(r.body.total > 0, 'the demo has overdue reports');
  const service = r.body.reports[0].service_code;
  r = await operator.get(`/api/v1/reports?overdue=true&service=${service}&page_size=100`);
  const overdue = r.body.reports;
  assert.ok(overdue.length > 0 && overdue.length === r.body.total);

  const bad = await operator.post('/api/v1/rules', {
    name: { vi: 'x' }, severity: 'warning', type: 'report_overdue', target: { service_code: 'a b' },
  });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.field ?? bad.body.error?.field, 'target.service_code', JSON.stringify(bad.body));

  r = await operator.post('/api/v1/rules', {
    name: { vi: 'Phản ánh quá hạn (kiểm thử)', en: 'Overdue report (test)' }, severity: 'warning',
    type: 'report_overdue', target: { service_code: service },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const rule = r.body.id;
  const firing = await until('one alert per overdue report', async () => {
    const l = await alertsOf(rule);
    return l.length >= overdue.length ? l : null;
  });
  assert.deepEqual(firing.map((a) => a.target).sort(), overdue.map((x) => `report:${x.id}`).sort());
  assert.ok(firing.every((a) => a.state === 'firing' && a.type === 'report_overdue'));
  const one = overdue[0];
  const a = firing.find((x) => x.target === `report:${one.id}`);
  const full = (await operator.get(`/api/v1/reports/${one.id}`)).body;
  if (full.lat != null) assert.ok(Math.abs(a.lat - full.lat) < 1e-6, JSON.stringify(a));
  assert.match(a.summary.vi, /quá hạn xử lý \d\d\/\d\d\/\d{4} \d\d:\d\d/);
  assert.match(a.summary.en, new RegExp(`Report ${one.id} `));

  // the answer: resolved by the data within a second
  const from = full.state;
  const to = from === 'in_progress' || from === 'assigned' || from === 'received' ? 'resolved' : null;
  assert.ok(to, `an overdue report is open (${from})`);
  r = await operator.post(`/api/v1/reports/${one.id}/transition`, { to, note: 'Đã xử lý (kiểm thử)', public: true });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const t0 = Date.now();
  await until('the alert resolves', async () => {
    const l = await alertsOf(rule);
    return l.find((x) => x.target === `report:${one.id}` && x.state === 'resolved');
  });
  assert.ok(Date.now() - t0 < 1500, `resolving took ${Date.now() - t0} ms`);
  const still = (await alertsOf(rule)).filter((x) => x.state === 'firing');
  assert.equal(still.length, overdue.length - 1);
});
