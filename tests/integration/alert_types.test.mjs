// The domain modules' alert rule types on a real iocd (docs/alerts.md "Types"):
// report_overdue — the demo's synthetic reports include open ones past their deadline; a rule
// made after the start learns them (one read, not a poll) and fires one alert per overdue
// report of its category, placed at the report, the summary naming the category and the
// deadline in Vietnam's time; an answer (a transition through the API) resolves its alert by
// the data within a second; a bad target answers 422 naming its field. target_missed and
// submission_late below.
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

// target_missed — an indicator made for the test (target 80, higher is better): a value that
// turns a commune's light red fires within a second; the same period revised to a better value
// resolves it by the data; another commune's value is not this rule's.
test('target_missed: a red light fires, a better value resolves', async () => {
  const admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  const u = await admin.get('/api/v1/units?level=commune&parent=75&limit=2');
  const [A, B] = u.body.units.map((x) => x.code);
  assert.ok(A && B);
  const code = 'KTTH.T_AL';
  let r = await admin.put(`/api/v1/indicators/${code}`, {
    domain: 'KTTH', name_vi: 'Chỉ tiêu thử (dữ liệu mẫu)', name_en: 'Test indicator (demo data)',
    unit: '%', frequency: 'month', aggregation: 'mean', polarity: 'higher', agency: 'SO-NNMT',
    source: 'entered', deadline: '+5d', target: '80',
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const bad = await operator.post('/api/v1/rules', { name: { vi: 'x' }, severity: 'info', type: 'target_missed', target: {} });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.field ?? bad.body.error?.field, 'target.indicator', JSON.stringify(bad.body));
  r = await operator.post('/api/v1/rules', {
    name: { vi: 'Chỉ tiêu không đạt (kiểm thử)', en: 'Target missed (test)' }, severity: 'warning',
    type: 'target_missed', target: { indicator: code, unit: A },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const rule = r.body.id;
  const post = (unit, value) => admin.post(`/api/v1/indicators/${code}/values`, { values: [{ unit, period: '2026-10', value }] });
  assert.equal((await post(B, 10)).status, 200); // another commune: not this rule's
  r = await post(A, 50);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  let t0 = Date.now();
  const [a] = await until('the red light fires', async () => {
    const l = await alertsOf(rule);
    return l.length ? l : null;
  });
  assert.ok(Date.now() - t0 < 1000, `firing took ${Date.now() - t0} ms`);
  assert.equal(a.target, `indicator:${code},unit=${A}`);
  assert.equal(a.state, 'firing');
  assert.equal(a.value, 50);
  assert.match(a.summary.vi, /2026-10.*đỏ/);
  assert.equal((await alertsOf(rule)).length, 1);
  r = await post(A, 95);
  assert.equal(r.body.revised, 1, JSON.stringify(r.body));
  t0 = Date.now();
  await until('a better value resolves it', async () => (await alertsOf(rule)).find((x) => x.state === 'resolved'));
  assert.ok(Date.now() - t0 < 1000, `resolving took ${Date.now() - t0} ms`);
});

// submission_late — a daily indicator made for the test, due at 00:01 of its day, with no value
// (the test server's demo has no indicator values): yesterday's period is missing past its
// deadline, so a rule made now fires at its first tick, one alert naming the indicator, the
// period (dd/mm/yyyy) and the unit; the values of every commune arriving resolve it by the data.
test('submission_late: a missing period past its deadline fires; the values resolve it', async () => {
  const admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  const code = 'KTTH.T_LATE';
  let r = await admin.put(`/api/v1/indicators/${code}`, {
    domain: 'KTTH', name_vi: 'Chỉ tiêu nộp muộn (dữ liệu mẫu)', name_en: 'Late test indicator (demo data)',
    unit: 'ca', frequency: 'day', aggregation: 'sum', polarity: 'higher', agency: 'SO-NNMT',
    source: 'entered', deadline: '00:01',
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const bad = await operator.post('/api/v1/rules', { name: { vi: 'x' }, severity: 'info', type: 'submission_late', target: {} });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.field ?? bad.body.error?.field, 'target.indicator', JSON.stringify(bad.body));
  r = await operator.post('/api/v1/rules', {
    name: { vi: 'Nộp số liệu muộn (kiểm thử)', en: 'Late values (test)' }, severity: 'warning',
    type: 'submission_late', target: { indicator: code }, agency: 'SO-NNMT',
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const rule = r.body.id;
  const day = new Date(Date.now() + 7 * 3600e3 - 86400e3).toISOString().slice(0, 10);
  const [a] = await until('the late period fires', async () => {
    const l = await alertsOf(rule);
    return l.length ? l : null;
  });
  assert.equal(a.type, 'submission_late');
  assert.equal(a.target, `submission:${code},period=${day}`);
  assert.equal(a.state, 'firing');
  assert.equal(a.agency, 'SO-NNMT');
  const [y, m, d] = day.split('-');
  assert.ok(a.summary.vi.includes(`kỳ ${d}/${m}/${y}`), a.summary.vi);
  assert.match(a.summary.vi, new RegExp(`^Chỉ tiêu ${code.replace('.', '\\.')} .*đơn vị 75: thiếu \\d+/\\d+ giá trị sau hạn`));
  assert.match(a.summary.en, /values missing after the deadline/);
  assert.ok(a.value > 0);

  const u = await admin.get('/api/v1/units?level=commune&parent=75&limit=1000');
  assert.equal(u.status, 200);
  const values = u.body.units.map((x) => ({ unit: x.code, period: day, value: 1 }));
  assert.equal(values.length, a.value, 'one value missing per commune');
  r = await admin.post(`/api/v1/indicators/${code}/values`, { values });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const t0 = Date.now();
  await until('the values resolve it', async () => (await alertsOf(rule)).find((x) => x.state === 'resolved'));
  assert.ok(Date.now() - t0 < 2500, `resolving took ${Date.now() - t0} ms`);
});
