// iocctl rules import|export (docs/alerts.md "Import and export"): export → import → export is
// byte-equal and writes nothing; a file with bad lines is refused whole, each line named with its
// field; every exported line is the API's rule JSON byte for byte; a rule imported while iocd
// runs is evaluated by that iocd (the engine watches the store's rules generation); the demo
// rules are seeded once, only with the demo sensors on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { IOCD, DEMO_ENV, startServer, seededDataDir, Client, iocctl, writeFile, tempDir } from './lib.mjs';

const STATION = `IT-R${process.pid % 1000}`;
let data, files;

const waterRule = (over = {}) => ({
  name: { vi: 'Mực nước vượt 3 m (kiểm thử)', en: 'Water above 3 m (test)' },
  severity: 'warning', type: 'threshold', agency: 'SO-NNMT',
  target: { measurement: 'water', field: 'level', tags: { station: STATION } },
  params: { op: '>', value: 3.1 }, escalate_after_s: 600, ...over,
});
const aqiRule = {
  name: { vi: 'AQI Kém (kiểm thử)', en: 'AQI Poor (test)' }, severity: 'info', type: 'aqi_class',
  target: { station: 'AQ-BH1' }, params: { class: 3 }, agency: null, enabled: false,
};
const jsonl = (rows) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

function exportText() {
  const r = iocctl(data, ['rules', 'export']);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

before(() => {
  data = seededDataDir();
  files = tempDir('ioc-rules-');
});
after(() => {
  rmSync(data, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

test('import adds rules; export → import → export is byte-equal and changes nothing', () => {
  assert.equal(exportText(), '', 'the test template has no rules');
  let r = iocctl(data, ['rules', 'import', '-'], jsonl([waterRule(), '', aqiRule]));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'imported stdin: 2 added, 0 replaced, 0 unchanged\n');
  const file = path.join(files, 'rules.jsonl');
  r = iocctl(data, ['rules', 'export', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `exported 2 rules to ${file}\n`);
  const first = readFileSync(file, 'utf8');
  const lines = first.trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), [1, 2]);
  assert.equal(lines[0].updated_by, 'iocctl');
  assert.deepEqual(lines[0].params, { op: '>', value: 3.1 });
  assert.equal(lines[1].enabled, false);
  assert.equal(lines[1].agency, null);
  r = iocctl(data, ['rules', 'import', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `imported ${file}: 0 added, 0 replaced, 2 unchanged\n`);
  assert.equal(exportText(), first, 'byte-equal, versions unchanged');
  // a changed line replaces its rule (version + 1), audited as the API's writes are
  lines[1].params.class = 4;
  r = iocctl(data, ['rules', 'import', writeFile(path.join(files, 'changed.jsonl'), jsonl(lines))]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0 added, 1 replaced, 1 unchanged/);
  const after2 = exportText().trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(after2[1].version, 2);
  assert.deepEqual(after2[1].params, { class: 4 });
  assert.equal(after2[0].version, 1);
  const out = path.join(files, 'audit.jsonl');
  const audit = iocctl(data, ['audit', 'export', '--out', out]);
  assert.equal(audit.status, 0, audit.stderr);
  const rows = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))
    .filter((x) => x.action.startsWith('rule.'));
  assert.deepEqual(rows.map((x) => [x.actor, x.action, x.target]), [
    ['iocctl', 'rule.create', 'rule:1'], ['iocctl', 'rule.create', 'rule:2'],
    ['iocctl', 'rule.put', 'rule:2'],
  ]);
});

test('bad lines: refused whole, each as FILE:LINE: field: why; nothing written', () => {
  const before = exportText();
  const rules = before.trimEnd().split('\n').map((l) => JSON.parse(l));
  const bad = jsonl([
    waterRule({ name: { vi: 'Mới, hợp lệ', en: 'New, valid' } }), // 1: fine on its own
    { ...rules[0], severity: 'loud' }, // 2
    '{"name": ', // 3
    waterRule({ agency: 'NOPE' }), // 4
    { ...rules[1], id: 999 }, // 5
    waterRule({ params: { op: '>' } }), // 6
    { ...rules[1] }, // 7
    { ...rules[1] }, // 8: the same id again
  ]);
  const file = writeFile(path.join(files, 'bad.jsonl'), bad);
  const r = iocctl(data, ['rules', 'import', file]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  const err = r.stderr.split('\n').filter(Boolean);
  assert.deepEqual(err.map((l) => l.split(': ').slice(0, 3).join(': ')), [
    `iocctl: ${file}:2: severity`,
    `iocctl: ${file}:3: body`,
    `iocctl: ${file}:4: agency`,
    `iocctl: ${file}:5: id`,
    `iocctl: ${file}:6: params.value`,
    `iocctl: ${file}:8: id`,
    'iocctl: rules import: 6 lines refused; nothing was stored',
  ]);
  assert.match(r.stderr, /:8: id: Rule 2 is also on line 7\./);
  assert.match(r.stderr, /nothing was stored/);
  assert.equal(exportText(), before, 'nothing written, not even the valid new rule of line 1');
  // usage errors touch nothing
  assert.equal(iocctl(data, ['rules', 'import']).status, 2);
  assert.equal(iocctl(data, ['rules', 'frobnicate']).status, 2);
  assert.equal(iocctl(data, ['rules', 'import', path.join(files, 'missing.jsonl')]).status, 1);
});

test('iocd running: export is the API\'s JSON; a rule imported by iocctl is evaluated by it', async () => {
  const srv = await startServer({ data, demo: true });
  try {
    const operator = new Client(srv.url);
    assert.equal((await operator.login('operator')).status, 200);
    const staff = new Client(srv.url);
    assert.equal((await staff.login('staff')).status, 200);
    const k = await staff.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:telemetry'] });
    assert.equal(k.status, 201);
    // every exported line is the API's body for that rule, byte for byte
    const lines = exportText().trimEnd().split('\n');
    for (const line of lines) {
      const g = await operator.get(`/api/v1/rules/${JSON.parse(line).id}`, { raw: true });
      assert.equal(g.status, 200);
      assert.equal(g.text, line);
    }
    const write = (v) => fetch(`${srv.url}/write?precision=ms`, {
      method: 'POST', headers: { authorization: `Token ${k.body.key}` },
      body: `water,station=${STATION} level=${v} ${Date.now()}`,
    });
    // 3.05 is under the rule of line 1 (over 3.1): nothing fires
    const changed = JSON.parse(lines[0]);
    assert.equal(changed.params.value, 3.1);
    assert.equal((await write(3.05)).status, 204);
    await new Promise((r) => setTimeout(r, 1500));
    const rulesBefore = (await operator.get('/api/v1/rules')).body.rules.map((x) => x.id);
    let alerts = await operator.get('/api/v1/alerts');
    assert.equal(alerts.body.count, 0, JSON.stringify(alerts.body));
    // the rule of line 1 replaced by iocctl while iocd runs: threshold lowered to 3.0
    changed.params.value = 3.0;
    const imp = iocctl(data, ['rules', 'import', '-'], jsonl([changed, waterRule({ params: { op: '>', value: 100 } })]));
    assert.equal(imp.status, 0, imp.stderr);
    assert.match(imp.stdout, /1 added, 1 replaced, 0 unchanged/);
    const added = (await operator.get('/api/v1/rules')).body.rules.map((x) => x.id).filter((id) => !rulesBefore.includes(id));
    assert.equal(added.length, 1);
    const t0 = Date.now();
    let firing = [];
    while (Date.now() - t0 < 8000) {
      assert.equal((await write(3.05)).status, 204); // over 3.0, under 3.1: only the new version fires
      await new Promise((r) => setTimeout(r, 150));
      alerts = await operator.get(`/api/v1/alerts?rule=${changed.id}`);
      firing = alerts.body.alerts.filter((a) => a.state === 'firing');
      if (firing.length) break;
    }
    assert.equal(firing.length, 1, `no alert ${Date.now() - t0} ms after the import`);
    assert.equal(firing[0].target, `water,station=${STATION} level`);
    assert.equal(firing[0].value, 3.05);
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    // the added rule (over 100) does not fire
    assert.equal((await operator.get(`/api/v1/alerts?rule=${added[0]}`)).body.count, 0);
  } finally {
    await srv.stop();
  }
});

test('demo rules: seeded once with the demo sensors on, synthetic, the stations\' agency', () => {
  const dir = seededDataDir(); // seeded with the sensors off: no rules
  try {
    const seed = (sensors) => spawnSync(IOCD, ['--data', dir, '--seed-only', '--demo'], {
      env: { ...process.env, IOC_LOG_LEVEL: 'warn', ...DEMO_ENV, IOC_DEMO_SENSORS: sensors },
      encoding: 'utf8', timeout: 120000,
    });
    assert.equal(iocctl(dir, ['rules', 'export']).stdout, '');
    let r = seed('false');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(iocctl(dir, ['rules', 'export']).stdout, '', 'no demo rules without the sensors');
    r = seed('true');
    assert.equal(r.status, 0, r.stderr);
    const first = iocctl(dir, ['rules', 'export']).stdout;
    const rules = first.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rules.map((x) => x.type), ['water_alarm', 'aqi_class', 'threshold', 'no_data', 'report_overdue',
      'submission_late', 'submission_late', 'submission_late']);
    // submission_late: one per agency the demo's values leave late, owned by it
    assert.deepEqual(rules.slice(5).map((x) => [x.agency, x.target.agency]),
      [['SO-VHTTDL', 'SO-VHTTDL'], ['SO-TP', 'SO-TP'], ['TTR', 'TTR']]);
    for (const x of rules) {
      assert.equal(x.synthetic, true);
      assert.equal(x.enabled, true);
      if (x.type !== 'submission_late') assert.equal(x.agency, x.type === 'report_overdue' ? null : 'SO-NNMT');
      assert.match(x.name.vi, /\(dữ liệu mẫu\)$/);
      assert.match(x.name.en, /\(synthetic\)$/);
      assert.equal(x.updated_by, 'demo');
    }
    assert.deepEqual(rules[0].params, { level: 2 });
    assert.deepEqual(rules[1].params, { class: 4 });
    assert.deepEqual(rules[2].target, { measurement: 'air', field: 'pm25' });
    assert.deepEqual(rules[2].params, { op: '>', value: 45, for_s: 600 });
    assert.deepEqual(rules[3].params, { for_s: 1800 });
    r = seed('true');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(iocctl(dir, ['rules', 'export']).stdout, first, 'a second run adds nothing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
