// Alerts on a real iocd (docs/alerts.md): a threshold rule, a point over it written as line
// protocol → an alert in GET /api/v1/alerts within a second; acknowledged with a note; staff of
// another agency neither sees nor acts on it; kill -9 after the ack → still acknowledged after
// the restart; a point under the threshold → resolved by the data, the history in order; rule
// errors name their field; silences are listed, made and ended; the acts are audited; a rule
// disabled or deleted resolves its open alerts at once (resolved.by says why, the live stream
// sees it); disabled by `iocctl rules import`, the running iocd resolves them within seconds.
import http from 'node:http';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDataDir, Client, iocctl } from './lib.mjs';

let srv, data, admin, operator, staff, staffB, key, ruleId, alertId;
const STATION = `IT-W${process.pid % 1000}`;

async function login(name, pw) {
  const c = new Client(srv.url);
  assert.equal((await c.login(name, pw)).status, 200, name);
  return c;
}

async function logins() {
  admin = await login('admin');
  operator = await login('operator');
  staff = await login('staff');
  staffB = await login('staffb', 'staffb-pass-123');
}

function write(line) {
  return fetch(`${srv.url}/write?precision=s`, { method: 'POST', headers: { authorization: `Token ${key}` }, body: line });
}

before(async () => {
  data = seededDataDir();
  srv = await startServer({ data, demo: true });
  admin = await login('admin');
  let r = await admin.post('/api/v1/agencies', { code: 'TEST-B', name: 'Cơ quan B (dữ liệu mẫu)' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await admin.post('/api/v1/users', { username: 'staffb', role: 'staff', agency_code: 'TEST-B', password: 'staffb-pass-123' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await logins();
  const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
  assert.equal(agency, 'SO-NNMT');
  r = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['write:telemetry'] });
  assert.equal(r.status, 201);
  key = r.body.key;
});
after(async () => { await srv?.stop(); srv?.cleanup(); });

const rule = (over = {}) => ({
  name: { vi: 'Mực nước vượt 2,5 m (kiểm thử)', en: 'Water above 2.5 m (test)' },
  severity: 'warning', type: 'threshold', agency: 'SO-NNMT',
  target: { measurement: 'water', field: 'level', tags: { station: STATION } },
  params: { op: '>', value: 2.5 }, ...over,
});

test('rules: 422 naming the field; operators create, staff read their agency\'s, ETag and If-Match', async () => {
  const cases = [
    [{ severity: 'loud' }, 'severity'], [{ type: 'nope' }, 'type'], [{ name: { en: 'x' } }, 'name.vi'],
    [{ params: { op: '>' } }, 'params.value'], [{ target: { field: 'level' } }, 'target.measurement'],
    [{ agency: 'NOPE' }, 'agency'], [{ escalate_after_s: -1 }, 'escalate_after_s'],
  ];
  for (const [over, field] of cases) {
    const r = await operator.post('/api/v1/rules', rule(over));
    assert.equal(r.status, 422, JSON.stringify(over));
    assert.equal(r.body.error.field, field, JSON.stringify(r.body));
  }
  assert.equal((await staff.post('/api/v1/rules', rule())).status, 403);
  const r = await operator.post('/api/v1/rules', rule());
  assert.equal(r.status, 201, JSON.stringify(r.body));
  ruleId = r.body.id;
  assert.equal(r.body.version, 1);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.equal((await staff.get(`/api/v1/rules/${ruleId}`)).status, 200);
  assert.equal((await staffB.get(`/api/v1/rules/${ruleId}`)).status, 404);
  assert.ok((await staff.get('/api/v1/rules')).body.rules.some((x) => x.id === ruleId));
  assert.ok(!(await staffB.get('/api/v1/rules')).body.rules.some((x) => x.id === ruleId));
  const stale = await operator.put(`/api/v1/rules/${ruleId}`, rule({ severity: 'critical' }), { headers: { 'if-match': '"7"' } });
  assert.equal(stale.status, 412);
  const put = await operator.put(`/api/v1/rules/${ruleId}`, rule(), { headers: { 'if-match': '"1"' } });
  assert.equal(put.status, 200);
  assert.equal(put.body.version, 2);
});

test('a point over the threshold → an alert within a second; other agencies do not see it', async () => {
  const sent = Date.now();
  const w = await write(`water,station=${STATION} level=2.61`);
  assert.equal(w.status, 204);
  let list;
  for (;;) {
    list = await operator.get(`/api/v1/alerts?rule=${ruleId}`);
    if (list.body.count > 0 || Date.now() - sent > 5000) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const took = Date.now() - sent;
  assert.equal(list.body.count, 1, JSON.stringify(list.body));
  assert.ok(took < 1000, `the alert took ${took} ms`);
  const a = list.body.alerts[0];
  alertId = a.id;
  assert.equal(a.state, 'firing');
  assert.equal(a.target, `water,station=${STATION} level`);
  assert.equal(a.value, 2.61);
  assert.equal(a.agency, 'SO-NNMT');
  assert.equal(a.count, 1);
  assert.equal(a.rule_name.vi, 'Mực nước vượt 2,5 m (kiểm thử)');
  // a second point over it is the same alert
  assert.equal((await write(`water,station=${STATION} level=2.7`)).status, 204);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await operator.get(`/api/v1/alerts?rule=${ruleId}`)).body.count, 1);
  // staff of the agency see it; staff of another do not, and cannot act on it
  assert.ok((await staff.get('/api/v1/alerts?state=firing')).body.alerts.some((x) => x.id === alertId));
  const other = await staffB.get('/api/v1/alerts');
  assert.equal(other.status, 200);
  assert.ok(!other.body.alerts.some((x) => x.id === alertId));
  assert.equal((await staffB.get('/api/v1/alerts?agency=SO-NNMT')).body.count, 0);
  assert.equal((await staffB.get(`/api/v1/alerts/${alertId}`)).status, 404);
  assert.equal((await staffB.post(`/api/v1/alerts/${alertId}/ack`, { note: 'không phải của tôi' })).status, 404);
  assert.equal((await operator.get('/api/v1/alerts?state=loud')).status, 400);
});

test('acknowledged with a note; kill -9 → still acknowledged after restart', async () => {
  const r = await operator.post(`/api/v1/alerts/${alertId}/ack`, { note: 'Đã cử người kiểm tra' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.state, 'acknowledged');
  assert.equal(r.body.acknowledged.by, 'operator');
  assert.equal(r.body.acknowledged.note, 'Đã cử người kiểm tra');
  assert.equal((await operator.post(`/api/v1/alerts/${alertId}/ack`, {})).status, 409);
  await srv.kill9();
  srv = await startServer({ data });
  await logins();
  const g = await operator.get(`/api/v1/alerts/${alertId}`);
  assert.equal(g.status, 200);
  assert.equal(g.body.state, 'acknowledged');
  assert.equal(g.body.acknowledged.note, 'Đã cử người kiểm tra');
  const audit = await admin.get('/api/v1/audit?action=alert.ack');
  assert.equal(audit.status, 200);
  assert.ok(JSON.stringify(audit.body).includes(`alert:${alertId}`), JSON.stringify(audit.body).slice(0, 400));
});

test('a point under the threshold → resolved by the data, with its history', async () => {
  assert.equal((await write(`water,station=${STATION} level=2.0`)).status, 204);
  let g;
  for (const until = Date.now() + 5000; Date.now() < until;) {
    g = await staff.get(`/api/v1/alerts/${alertId}`);
    if (g.body.state === 'resolved') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(g.body.state, 'resolved', JSON.stringify(g.body));
  assert.equal(g.body.resolved.by, null);
  assert.deepEqual(g.body.history.map((h) => h.what), ['fired', 'acknowledged', 'resolved']);
  assert.equal(g.body.history[1].by, 'operator');
  assert.equal((await operator.post(`/api/v1/alerts/${alertId}/resolve`, { note: 'x' })).status, 409);
  // over it again within [alerts] regroup_s: the same alert reopened, count 2
  assert.equal((await write(`water,station=${STATION} level=3.0`)).status, 204);
  for (const until = Date.now() + 5000; Date.now() < until;) {
    g = await staff.get(`/api/v1/alerts/${alertId}`);
    if (g.body.state === 'firing') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(g.body.state, 'firing');
  assert.equal(g.body.count, 2);
  assert.equal(g.body.acknowledged, null);
  // a person resolves it with a note
  const r = await staff.post(`/api/v1/alerts/${alertId}/resolve`, { note: 'Đã xử lý' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.resolved.by, 'staff');
  assert.equal(r.body.resolved.note, 'Đã xử lý');
});

test('silences: made by operators, listed, ended; staff may not make one', async () => {
  const ends = new Date(Date.now() + 3600e3).toISOString();
  const c = await operator.post('/api/v1/rules', rule({ target: { measurement: 'water', field: 'level', tags: { station: `${STATION}S` } } }));
  assert.equal(c.status, 201);
  const rule2 = c.body.id;
  const body = { rule: rule2, target_prefix: 'water,', ends_at: ends, reason: 'Bảo trì trạm' };
  assert.equal((await staff.post('/api/v1/silences', body)).status, 403);
  assert.equal((await operator.post('/api/v1/silences', { ...body, ends_at: '2001-01-01T00:00:00Z' })).body.error.field, 'ends_at');
  const r = await operator.post('/api/v1/silences', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.ok((await operator.get('/api/v1/silences')).body.silences.some((s) => s.id === r.body.id));
  // a new firing under the silence is recorded, silenced
  assert.equal((await write(`water,station=${STATION}S level=3.1`)).status, 204);
  let list;
  for (const until = Date.now() + 5000; Date.now() < until;) {
    list = await operator.get(`/api/v1/alerts?rule=${rule2}&state=open`);
    if (list.body.count > 0) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  assert.equal(list.body.count, 1);
  assert.equal(list.body.alerts[0].silenced, true);
  const m = await (await fetch(`${srv.url}/metrics`)).text();
  assert.match(m, /^ioc_alerts_changes_total [1-9]/m);
  assert.match(m, /^ioc_alerts_rules 2$/m);
  assert.equal((await operator.del(`/api/v1/silences/${r.body.id}`)).status, 204);
  assert.equal((await operator.del(`/api/v1/silences/${r.body.id}`)).status, 404);
});

// The live stream as c (its cookie): the text received so far in s.text.
function stream(c) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${srv.url}/api/v1/events?types=alert`, { headers: { cookie: c.cookie } }, (res) => {
      const s = { status: res.statusCode, text: '', close() { req.destroy(); } };
      res.setEncoding('utf8');
      res.on('data', (d) => { s.text += d; });
      res.on('error', () => {});
      resolve(s);
    });
    req.on('error', reject);
  });
}

async function firing(id) {
  let list;
  for (const until = Date.now() + 5000; Date.now() < until;) {
    list = await operator.get(`/api/v1/alerts?rule=${id}&state=open`);
    if (list.body.count > 0) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  assert.equal(list.body.count, 1, JSON.stringify(list.body));
  return list.body.alerts[0];
}

test('a rule disabled or deleted: its open alerts resolved in the same write, published', async () => {
  const mk = async (st) => {
    const r = await operator.post('/api/v1/rules', rule({ target: { measurement: 'water', field: 'level', tags: { station: st } } }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const off = await mk(`${STATION}D`);
  const gone = await mk(`${STATION}X`);
  assert.equal((await write(`water,station=${STATION}D level=3.1\nwater,station=${STATION}X level=3.2`)).status, 204);
  const a1 = await firing(off.id);
  const a2 = await firing(gone.id);
  const live = await stream(operator);
  assert.equal(live.status, 200);
  try {
    // disabled by PUT: resolved when the answer comes (same transaction), "rule disabled"
    const { id, version, updated_at, updated_by, ...body } = off;
    const put = await operator.put(`/api/v1/rules/${id}`, { ...body, enabled: false }, { headers: { 'if-match': `"${version}"` } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    let g = await operator.get(`/api/v1/alerts/${a1.id}`);
    assert.equal(g.body.state, 'resolved', JSON.stringify(g.body));
    assert.equal(g.body.resolved.by, 'rule disabled');
    assert.deepEqual(g.body.history.map((h) => [h.what, h.by]).at(-1), ['resolved', 'rule disabled']);
    // deleted: "rule deleted"; the other rule's alert was untouched until then
    assert.equal((await operator.get(`/api/v1/alerts/${a2.id}`)).body.state, 'firing');
    assert.equal((await operator.del(`/api/v1/rules/${gone.id}`)).status, 204);
    g = await operator.get(`/api/v1/alerts/${a2.id}`);
    assert.equal(g.body.state, 'resolved');
    assert.equal(g.body.resolved.by, 'rule deleted');
    // a second delete finds no rule; the resolved alert is not written again
    assert.equal((await operator.del(`/api/v1/rules/${gone.id}`)).status, 404);
    assert.equal((await operator.get(`/api/v1/alerts/${a2.id}`)).body.history.length, 2);
    // both changes reached the live stream
    for (const until = Date.now() + 3000; Date.now() < until;) {
      if (live.text.includes('rule deleted')) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    const alerts = live.text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
    const mine = alerts.filter((x) => x.rule === off.id || x.rule === gone.id);
    assert.deepEqual(mine.map((x) => [x.id, x.change, x.resolved?.by]),
      [[a1.id, 'resolved', 'rule disabled'], [a2.id, 'resolved', 'rule deleted']], live.text.slice(0, 800));
  } finally {
    live.close();
  }
  // a point over the threshold again: no alert for a disabled rule
  assert.equal((await write(`water,station=${STATION}D level=3.5`)).status, 204);
  await new Promise((res) => setTimeout(res, 300));
  assert.equal((await operator.get(`/api/v1/alerts?rule=${off.id}&state=open`)).body.count, 0);
});

test('a rule disabled by iocctl rules import: the running iocd resolves its open alert', async () => {
  const c = await operator.post('/api/v1/rules', rule({ target: { measurement: 'water', field: 'level', tags: { station: `${STATION}I` } } }));
  assert.equal(c.status, 201, JSON.stringify(c.body));
  assert.equal((await write(`water,station=${STATION}I level=3.3`)).status, 204);
  const a = await firing(c.body.id);
  const r = iocctl(data, ['rules', 'import', '-'], `${JSON.stringify({ ...c.body, enabled: false })}\n`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 replaced/);
  let g;
  for (const until = Date.now() + 5000; Date.now() < until;) {
    g = await operator.get(`/api/v1/alerts/${a.id}`);
    if (g.body.state === 'resolved') break;
    await new Promise((res) => setTimeout(res, 50));
  }
  assert.equal(g.body.state, 'resolved', JSON.stringify(g.body));
  assert.equal(g.body.resolved.by, 'rule disabled');
  assert.deepEqual(g.body.history.map((h) => h.what), ['fired', 'resolved']);
});
