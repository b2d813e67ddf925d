// Dashboards as documents (docs/dashboards.md): the demo's 191 loaded with --demo, exported back
// byte for byte and imported all or nothing by iocctl (every bad line reported with its line and
// JSON path); the API lists and searches them (diacritics ignored), reads one with its revision as
// ETag, lets an admin create, replace (If-Match → 412 when stale; 422 naming the JSON path of a
// bad member) and delete them, each audited, and refuses others.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, tempDir, seededDataDir, startServer, Client, iocctl } from './lib.mjs';

const FILE = readFileSync(path.join(ROOT, 'data/dashboards/dashboards.jsonl'), 'utf8');
const DOCS = FILE.trimEnd().split('\n').map((l) => JSON.parse(l));
const dir = tempDir('ioc-dashboards-');
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name, text) {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

// ---- files: the demo, export, import -----------------------------------------------------------

let data; // a seeded data directory
before(() => { data = seededDataDir(); });
after(() => rmSync(data, { recursive: true, force: true }));

test('the demo file: at least 146 dashboards, one province overview, an overview per domain', () => {
  assert.ok(DOCS.length >= 146, `${DOCS.length}`);
  assert.equal(DOCS[0].id, 'tong-quan-tinh');
  assert.equal(DOCS[0].title_vi, 'Tổng quan tỉnh');
  assert.equal(DOCS[0].domain, null);
  const domains = readFileSync(path.join(ROOT, 'data/indicators/domains.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
  for (const d of domains) assert.ok(DOCS.some((x) => x.id === `${d.toLowerCase()}-tong-quan` && x.domain === d), d);
  const types = new Set(DOCS.flatMap((x) => x.panels.map((p) => p.type)));
  assert.deepEqual([...types].sort(), ['bar', 'choropleth', 'gauge', 'line', 'number', 'table', 'text']);
  assert.ok(DOCS.every((x) => x.panels.length <= 48 && x.tags.includes('dữ liệu mẫu')));
});

test('the file is what scripts/gen-dashboards.mjs writes from the catalogue', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-dashboards.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('export after the demo gives the file back byte for byte; importing it changes nothing', () => {
  const out = path.join(dir, 'out.jsonl');
  let r = iocctl(data, ['dashboards', 'export', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(out, 'utf8'), FILE);
  r = iocctl(data, ['dashboards', 'export']);
  assert.equal(r.stdout, FILE);
  r = iocctl(data, ['dashboards', 'import', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`0 dashboards added, 0 updated, ${DOCS.length} unchanged`));
});

test('a bad file: every bad line reported with its line and JSON path; nothing stored', () => {
  const lines = FILE.trimEnd().split('\n');
  const changed = { ...DOCS[1], title_vi: 'Đã đổi (không được lưu)' }; // a good change
  const wide = structuredClone(DOCS[2]);
  wide.panels[3].w = 20;
  const unknown = structuredClone(DOCS[3]);
  unknown.panels[1].indicator = 'NOPE.X';
  const overlap = structuredClone(DOCS[4]);
  overlap.panels[2].x = overlap.panels[1].x;
  overlap.panels[2].y = overlap.panels[1].y;
  const bad = [lines[0], JSON.stringify(changed), JSON.stringify(wide), JSON.stringify(unknown),
    JSON.stringify(overlap), '{"version":1,', '', lines[0]].join('\n') + '\n';
  const p = file('bad.jsonl', bad);
  const r = iocctl(data, ['dashboards', 'import', p]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`${p}:3: panels\\[3\\]\\.w: Must be from 1 to 12`));
  assert.match(r.stderr, new RegExp(`${p}:4: panels\\[1\\]\\.indicator: No indicator has code 'NOPE.X'`));
  assert.match(r.stderr, new RegExp(`${p}:5: panels\\[2\\]: Overlaps panels\\[1\\]`));
  assert.match(r.stderr, new RegExp(`${p}:6: Not JSON: line 1`));
  assert.match(r.stderr, new RegExp(`${p}:8: id: The id 'tong-quan-tinh' was given before`));
  assert.match(r.stderr, /5 bad lines; nothing was stored/);
  assert.doesNotMatch(r.stderr, /:(1|2|7): /);
  assert.equal(iocctl(data, ['dashboards', 'export']).stdout, FILE);
  const missing = iocctl(data, ['dashboards', 'import', path.join(dir, 'none.jsonl')]);
  assert.equal(missing.status, 1);
});

test('import: added, updated, audited; a file exported from one directory loads into another', () => {
  const changed = { ...DOCS[1], title_vi: 'Tổng quan đã đổi' };
  const added = { version: 1, id: 'them-moi', title_vi: 'Thêm mới', domain: 'YT', panels: [] };
  const p = file('two.jsonl', `${JSON.stringify(changed)}\r\n\r\n${JSON.stringify(added)}\r\n`);
  let r = iocctl(data, ['dashboards', 'import', p]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 dashboards added, 1 updated, 0 unchanged/);
  const out = path.join(dir, 'moved.jsonl');
  assert.equal(iocctl(data, ['dashboards', 'export', out]).status, 0);
  const text = readFileSync(out, 'utf8');
  assert.equal(text.split('\n').length - 1, DOCS.length + 1);
  assert.ok(text.endsWith('{"version":1,"id":"them-moi","title_vi":"Thêm mới","domain":"YT","grid":{"columns":12},"panels":[]}\n'));
  const other = seededDataDir();
  try {
    r = iocctl(other, ['dashboards', 'import', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /1 dashboards added, 1 updated/);
    assert.equal(iocctl(other, ['dashboards', 'export']).stdout, text);
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
  r = iocctl(data, ['audit', 'export', '--out', path.join(dir, 'audit.jsonl')]);
  assert.equal(r.status, 0, r.stderr);
  const rows = readFileSync(path.join(dir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((a) => a.action.startsWith('dashboards.'));
  assert.deepEqual(rows.map((a) => [a.action, a.actor, a.target, JSON.parse(a.detail)]), [
    ['dashboards.import', 'demo', 'dashboards:dashboards.jsonl', { added: DOCS.length, updated: 0, unchanged: 0 }],
    ['dashboards.export', 'iocctl', 'dashboards:out.jsonl', { dashboards: DOCS.length }],
    ['dashboards.export', 'iocctl', 'dashboards:stdout', { dashboards: DOCS.length }],
    ['dashboards.import', 'iocctl', 'dashboards:out.jsonl', { added: 0, updated: 0, unchanged: DOCS.length }],
    ['dashboards.export', 'iocctl', 'dashboards:stdout', { dashboards: DOCS.length }],
    ['dashboards.import', 'iocctl', 'dashboards:two.jsonl', { added: 1, updated: 1, unchanged: 0 }],
    ['dashboards.export', 'iocctl', 'dashboards:moved.jsonl', { dashboards: DOCS.length + 1 }],
  ]);
});

// ---- the API ---------------------------------------------------------------------------------

let srv, admin, staff;
before(async () => {
  srv = await startServer({ data: seededDataDir(), demo: true });
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
});
after(async () => { await srv?.stop(); });

test('list: every demo dashboard, paged, by domain, searched without diacritics', async () => {
  let r = await staff.get('/api/v1/dashboards?page_size=200');
  assert.equal(r.status, 200);
  assert.ok(r.body.total >= 146);
  assert.equal(r.body.total, DOCS.length);
  assert.deepEqual(r.body.dashboards.map((d) => d.id), DOCS.map((d) => d.id).slice(0, 200));
  assert.deepEqual(r.body.dashboards[0], {
    id: 'tong-quan-tinh', title_vi: 'Tổng quan tỉnh', title_en: 'Province overview', domain: null,
    tags: ['tổng quan', 'tỉnh', 'dữ liệu mẫu'], panels: DOCS[0].panels.length, revision: 1,
    updated_at: r.body.dashboards[0].updated_at,
  });
  r = await staff.get('/api/v1/dashboards?page=2&page_size=10');
  assert.deepEqual(r.body.dashboards.map((d) => d.id), DOCS.slice(10, 20).map((d) => d.id));
  r = await staff.get('/api/v1/dashboards?q=tong%20quan%20tinh');
  assert.equal(r.body.dashboards[0].id, 'tong-quan-tinh');
  r = await staff.get('/api/v1/dashboards?q=TONG%20QUAN%20cai%20cach');
  assert.deepEqual(r.body.dashboards.map((d) => d.id), ['cchc-tong-quan']);
  r = await staff.get(`/api/v1/dashboards?q=${encodeURIComponent('y tế – nhóm')}&page_size=200`);
  assert.ok(r.body.total > 1);
  assert.ok(r.body.dashboards.every((d) => d.domain === 'YT'));
  r = await staff.get('/api/v1/dashboards?domain=CCHC&page_size=200');
  assert.equal(r.body.total, DOCS.filter((d) => d.domain === 'CCHC').length);
  r = await staff.get('/api/v1/dashboards?q=khong%20co%20gi%20ca');
  assert.equal(r.body.total, 0);
  assert.equal((await staff.get('/api/v1/dashboards?page_size=201')).status, 400);
  assert.equal((await staff.get('/api/v1/dashboards?colour=red')).status, 400);
  assert.equal((await new Client(srv.url).get('/api/v1/dashboards')).status, 401);
});

test('get: the document with its revision; ETag and If-None-Match; 404', async () => {
  const r = await staff.get('/api/v1/dashboards/cchc-tong-quan');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('etag'), '"1"');
  const want = DOCS.find((d) => d.id === 'cchc-tong-quan');
  const { revision, updated_at: at, updated_by: by, ...doc } = r.body;
  assert.deepEqual(doc, want);
  assert.equal(revision, 1);
  assert.equal(by, 'demo');
  assert.match(at, /^\d{4}-\d\d-\d\dT/);
  const again = await staff.get('/api/v1/dashboards/cchc-tong-quan', { headers: { 'if-none-match': '"1"' } });
  assert.equal(again.status, 304);
  assert.equal((await staff.get('/api/v1/dashboards/khong-co')).status, 404);
  assert.equal((await staff.get('/api/v1/dashboards/KHONG_HOP_LE')).status, 404);
});

// The first line of the answer to a PUT declaring a body of n bytes, none of which is sent.
function declared(client, p, n) {
  const { hostname, port } = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname, () => sock.write(
      `PUT ${p} HTTP/1.1\r\nHost: ${hostname}\r\nCookie: ${client.cookie}\r\nX-CSRF-Token: ${client.csrf}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${n}\r\n\r\n`));
    let got = '';
    sock.on('data', (d) => { got += d; if (got.includes('\r\n')) { sock.destroy(); resolve(got.split('\r\n')[0]); } });
    sock.on('error', reject);
    sock.on('close', () => resolve(got.split('\r\n')[0]));
  });
}

const small = (over = {}) => ({
  version: 1, id: 'bang-thu', title_vi: 'Bảng thử nghiệm', title_en: 'Test board', domain: 'CCHC',
  tags: ['thử'],
  panels: [
    { id: 'p1', type: 'number', x: 0, y: 0, w: 3, h: 2, indicator: 'CCHC.TL_HS_TOANTRINH', unit: '$unit' },
    { id: 'p2', type: 'line', x: 3, y: 0, w: 9, h: 4, indicators: ['CCHC.TL_HS_TOANTRINH'], period: 'last36' },
  ],
  ...over,
});

test('PUT: a bad document is refused with the JSON path of the member at fault', async () => {
  const cases = [
    [small({ panels: [{ ...small().panels[0], w: 13 }] }), 'panels[0].w', /1 to 12/],
    [small({ panels: [small().panels[0], { ...small().panels[1], x: 2 }] }), 'panels[1]', /Overlaps panels\[0\]/],
    [small({ panels: [{ ...small().panels[0], indicator: 'CCHC.KHONG_CO' }] }), 'panels[0].indicator', /No indicator/],
    [small({ panels: [{ ...small().panels[0], type: 'pie' }] }), 'panels[0].type', /number, line/],
    [small({ panels: [{ ...small().panels[0], unit: '99999' }] }), 'panels[0].unit', /No unit/],
    [small({ domain: 'XX' }), 'domain', /No domain/],
    [small({ tags: ['a', ''] }), 'tags[1]', /empty/],
    [small({ version: 2 }), 'version', /version 1/],
    [small({ colour: 'red' }), 'colour', /not a member/],
    [small({ id: 'khac' }), 'id', /one of the path/],
  ];
  for (const [doc, field, why] of cases) {
    const r = await admin.put('/api/v1/dashboards/bang-thu', doc);
    assert.equal(r.status, 422, JSON.stringify([field, r.body]));
    assert.equal(r.body.error.code, 'invalid_field');
    assert.equal(r.body.error.field, field, JSON.stringify(r.body));
    assert.match(r.body.error.message, why);
  }
  assert.equal((await admin.get('/api/v1/dashboards/bang-thu')).status, 404);
  // a body over 256 KiB is refused before it is read
  assert.match(await declared(admin, '/api/v1/dashboards/bang-thu', 300 * 1024), /^HTTP\/1\.1 413 /);
});

test('PUT and DELETE: admin only, If-Match honoured, audited', async () => {
  let r = await staff.put('/api/v1/dashboards/bang-thu', small());
  assert.equal(r.status, 403);
  r = await admin.put('/api/v1/dashboards/bang-thu', small({ title_vi: 'Ba\u0309ng thử nghiệm' }));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.headers.get('etag'), '"1"');
  assert.equal(r.body.title_vi, 'Bảng thử nghiệm'); // NFC
  assert.equal(r.body.grid.columns, 12);
  assert.equal(r.body.updated_by, 'admin');
  r = await staff.get('/api/v1/dashboards?q=bang%20thu%20nghiem');
  assert.deepEqual(r.body.dashboards.map((d) => d.id), ['bang-thu']);
  r = await admin.put('/api/v1/dashboards/bang-thu', small()); // the same document
  assert.equal(r.status, 200);
  assert.equal(r.body.revision, 1);
  r = await admin.put('/api/v1/dashboards/bang-thu', small({ title_en: 'Test board 2' }), { headers: { 'if-match': '"1"' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('etag'), '"2"');
  r = await admin.put('/api/v1/dashboards/bang-thu', small({ title_en: 'Stale' }), { headers: { 'if-match': '"1"' } });
  assert.equal(r.status, 412);
  assert.equal(r.body.error.code, 'precondition_failed');
  assert.match(r.body.error.message, /revision 2/);
  r = await admin.put('/api/v1/dashboards/bang-thu', { ...(await admin.get('/api/v1/dashboards/bang-thu')).body, title_en: 'Round trip' }, { headers: { 'if-match': 'W/"2"' } });
  assert.equal(r.status, 200, JSON.stringify(r.body)); // what GET gives can be PUT back
  assert.equal(r.body.revision, 3);
  r = await admin.put('/api/v1/dashboards/khong-co', small({ id: 'khong-co' }), { headers: { 'if-match': '*' } });
  assert.equal(r.status, 412);
  assert.equal((await admin.get('/api/v1/dashboards/khong-co')).status, 404);
  r = await admin.get('/api/v1/dashboards/bang-thu');
  assert.equal(r.body.title_en, 'Round trip');
  r = await staff.del('/api/v1/dashboards/bang-thu');
  assert.equal(r.status, 403);
  r = await admin.del('/api/v1/dashboards/bang-thu', { headers: { 'if-match': '"2"' } });
  assert.equal(r.status, 412);
  r = await admin.del('/api/v1/dashboards/bang-thu', { headers: { 'if-match': '"3"' } });
  assert.equal(r.status, 204);
  assert.equal((await admin.get('/api/v1/dashboards/bang-thu')).status, 404);
  assert.equal((await admin.del('/api/v1/dashboards/bang-thu')).status, 404);
  r = await admin.get('/api/v1/audit?action=dashboard.*&limit=10');
  assert.deepEqual(r.body.entries.map((e) => [e.action, e.target, e.actor, e.detail ? JSON.parse(e.detail) : null]), [
    ['dashboard.delete', 'dashboard:bang-thu', 'admin', null],
    ['dashboard.put', 'dashboard:bang-thu', 'admin', { outcome: 'updated', revision: 3 }],
    ['dashboard.put', 'dashboard:bang-thu', 'admin', { outcome: 'updated', revision: 2 }],
    ['dashboard.put', 'dashboard:bang-thu', 'admin', { outcome: 'unchanged', revision: 1 }],
    ['dashboard.put', 'dashboard:bang-thu', 'admin', { outcome: 'added', revision: 1 }],
  ]);
});

test('PUT with If-None-Match: * creates only: 412 naming the id when it exists, nothing replaced', async () => {
  const only = { headers: { 'if-none-match': '*' } };
  let r = await admin.put('/api/v1/dashboards/tao-moi', small({ id: 'tao-moi', title_en: 'First' }), only);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await admin.put('/api/v1/dashboards/tao-moi', small({ id: 'tao-moi', title_en: 'Second' }), only);
  assert.equal(r.status, 412);
  assert.equal(r.body.error.code, 'precondition_failed');
  assert.match(r.body.error.message, /tao-moi exists already \(revision 1\)/);
  assert.equal((await admin.get('/api/v1/dashboards/tao-moi')).body.title_en, 'First');
  r = await admin.put('/api/v1/dashboards/tao-moi', small({ id: 'tao-moi' }), { headers: { 'if-none-match': '*', 'if-match': '"1"' } });
  assert.equal(r.status, 400);
  r = await admin.put('/api/v1/dashboards/tao-moi', small({ id: 'tao-moi' }), { headers: { 'if-none-match': '"1"' } });
  assert.equal(r.status, 400);
  assert.equal((await admin.del('/api/v1/dashboards/tao-moi')).status, 204);
});

test('iocctl imports while iocd runs; the API sees it at once', async () => {
  const changed = { ...DOCS[5], title_en: 'Renamed while iocd runs' };
  const r = iocctl(srv.data, ['dashboards', 'import', file('live.jsonl', JSON.stringify(changed) + '\n')]);
  assert.equal(r.status, 0, r.stderr);
  const g = await staff.get(`/api/v1/dashboards/${DOCS[5].id}`);
  assert.equal(g.body.title_en, 'Renamed while iocd runs');
  assert.equal(g.headers.get('etag'), '"2"');
});
