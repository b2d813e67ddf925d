// The indicator catalogue stored, imported, exported and served: `iocctl indicators import|export`
// on a seeded data directory (the demo loads data/indicators/), all or nothing with every bad row
// reported, the export round trip, and the API (domains, list/search/paging/CSV/XLSX, get, PUT by
// an admin checked by the catalogue's rules and audited, refused to others). XLSX both ways: the
// API's workbook imported back by iocctl, and a workbook made here as Excel stores it (numbers as
// numbers, empty cells left out) with a bad cell reported by its row and column name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tempDir, seededDataDir, startServer, Client, iocctl } from './lib.mjs';
import { xlsxOf } from './xlsx_lib.mjs';

const DOMAINS = readFileSync(path.join(ROOT, 'data/indicators/domains.csv'), 'utf8');
const CATALOGUE = readFileSync(path.join(ROOT, 'data/indicators/catalogue.csv'), 'utf8');
const dir = tempDir('ioc-indicators-');
after(() => rmSync(dir, { recursive: true, force: true }));

// RFC 4180 records of a text (enough for the catalogue: quotes, doubled quotes, no CR).
function parseCsv(text) {
  const out = [];
  let rec = [], f = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (ch === '"') q = false; else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { rec.push(f); f = ''; } else if (ch === '\n') { rec.push(f); out.push(rec); rec = []; f = ''; } else f += ch;
  }
  if (f !== '' || rec.length) { rec.push(f); out.push(rec); }
  return out;
}
const field = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const toCsv = (recs, eol = '\n') => recs.map((r) => r.map(field).join(',')).join(eol) + eol;
const RECORDS = parseCsv(CATALOGUE);
const COL = Object.fromEntries(RECORDS[0].map((k, i) => [k, i]));
const copy = () => RECORDS.map((r) => [...r]);
const find = (recs, code) => recs.find((r) => r[0] === code);
const derived = (recs) => recs.filter((r) => r[COL.source] === 'derived');
function file(name, text) {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

function exported(data) {
  const r = iocctl(data, ['indicators', 'export']);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

let data; // a seeded data directory: the demo's agencies and catalogue
before(() => { data = seededDataDir(); });
after(() => rmSync(data, { recursive: true, force: true }));

test('the demo loaded the catalogue; export gives the files back byte for byte', () => {
  const d = path.join(dir, 'd.csv'), c = path.join(dir, 'c.csv');
  const r = iocctl(data, ['indicators', 'export', '--domains', d, c]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(d, 'utf8'), DOMAINS);
  assert.equal(readFileSync(c, 'utf8'), CATALOGUE);
  assert.equal(exported(data), CATALOGUE);
  // and importing the export changes nothing
  const again = iocctl(data, ['indicators', 'import', '--domains', d, c]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /0 indicators added, 0 updated, 1183 unchanged; domains: 0 added, 0 updated/);
});

test('a bad catalogue: every bad row reported with line, row and column; nothing stored', () => {
  const recs = copy();
  find(recs, 'KTTH.GRDP_HH')[COL.name_vi] = 'Tên đã đổi (không được lưu)'; // a good change
  find(recs, 'KTTH.GRDP_SS')[COL.frequency] = 'weekly';
  find(recs, 'KTTH.GRDP_TD')[COL.agency] = 'SO-KHONG-CO';
  find(recs, 'CCHC.TL_HS_TOANTRINH')[COL.thresholds] = 'amber=110%';
  find(recs, 'MT.PM25')[COL.domain] = 'XX';
  const [d0, d1, d2] = derived(recs);
  d0[COL.expression] = '100 * (';
  d1[COL.expression] = `${d1[COL.expression]} + NOPE.X`;
  d2[COL.expression] = `${d2[0]} + 1`;
  const line = (code) => recs.findIndex((r) => r[0] === code) + 1; // no record of the file spans lines
  const r = iocctl(data, ['indicators', 'import', file('bad.csv', toCsv(recs))]);
  assert.equal(r.status, 1);
  const err = r.stderr;
  const p = path.join(dir, 'bad.csv');
  assert.match(err, new RegExp(`${p}:${line('KTTH.GRDP_SS')}: row ${line('KTTH.GRDP_SS') - 1}, column frequency: not one of`));
  assert.match(err, new RegExp(`:${line('KTTH.GRDP_TD')}: row \\d+, column agency: unknown agency`));
  assert.match(err, new RegExp(`:${line('CCHC.TL_HS_TOANTRINH')}: row \\d+, column thresholds: .*P < 100`));
  assert.match(err, new RegExp(`:${line('MT.PM25')}: row \\d+, column domain: unknown domain`));
  assert.match(err, new RegExp(`:${line(d0[0])}: row \\d+, column expression: does not parse: at byte 8`));
  assert.match(err, new RegExp(`:${line(d1[0])}: row \\d+, column expression: unknown code NOPE\\.X`));
  assert.match(err, new RegExp(`:${line(d2[0])}: row \\d+, column expression: a cycle: ${d2[0].replace('.', '\\.')}`));
  assert.match(err, /indicators import: 7 problems: nothing stored/);
  assert.equal(exported(data), CATALOGUE); // the good change was not stored either
});

test('a wrong header, a wrong width, a repeated domain, a missing file are reported', () => {
  let r = iocctl(data, ['indicators', 'import', file('hdr.csv', 'code,domain\nA.B,A\n')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /hdr\.csv:1: column header: the header must be/);
  assert.doesNotMatch(r.stderr, /hdr\.csv:2/); // the rows under a wrong header are not read
  const recs = copy();
  recs[3] = recs[3].slice(0, 5);
  r = iocctl(data, ['indicators', 'import', file('width.csv', toCsv(recs))]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /width\.csv:4: row 3: 5 fields where the header has 17/);
  r = iocctl(data, ['indicators', 'import', '--domains', file('dom.csv', DOMAINS + 'YT,Y tế lần nữa,Health again\n'), path.join(ROOT, 'data/indicators/catalogue.csv')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /dom\.csv:29: row 28, column code: the code appears twice/);
  r = iocctl(data, ['indicators', 'import', path.join(dir, 'missing.csv')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /missing\.csv/);
  r = iocctl(data, ['indicators', 'import']);
  assert.equal(r.status, 2);
});

test('Excel-style files (BOM, CRLF, decomposed text) import; NFC is stored; counts and the audit row', () => {
  const recs = copy();
  find(recs, 'CCHC.TL_HS_TOANTRINH')[COL.target] = '35';
  const nfd = 'Số hồ sơ thử nghiệm'.normalize('NFD');
  find(recs, 'KTTH.GRDP_HH')[COL.definition_vi] = nfd;
  const r = iocctl(data, ['indicators', 'import', file('excel.csv', '\ufeff' + toCsv(recs, '\r\n'))]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0 indicators added, 2 updated, 1181 unchanged/);
  const out = parseCsv(exported(data));
  assert.equal(find(out, 'CCHC.TL_HS_TOANTRINH')[COL.target], '35');
  assert.equal(find(out, 'KTTH.GRDP_HH')[COL.definition_vi], nfd.normalize('NFC'));
  const audit = path.join(dir, 'audit.jsonl');
  const a = iocctl(data, ['audit', 'export', '--out', audit]);
  assert.equal(a.status, 0, a.stderr);
  const rows = readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((x) => x.action === 'indicators.import');
  const last = rows.at(-1);
  assert.equal(last.target, 'indicators:excel.csv');
  assert.deepEqual(JSON.parse(last.detail), { added: 0, updated: 2, unchanged: 1181, domains_added: 0, domains_updated: 0 });
  // back to the demo file: the two rows again
  const back = iocctl(data, ['indicators', 'import', path.join(ROOT, 'data/indicators/catalogue.csv')]);
  assert.match(back.stdout, /0 indicators added, 2 updated, 1181 unchanged/);
  assert.equal(exported(data), CATALOGUE);
});

// ---- the API ---------------------------------------------------------------------------------

let srv, admin, operator;
before(async () => {
  srv = await startServer({ data: seededDataDir(), demo: true });
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  operator = new Client(srv.url);
  assert.equal((await operator.login('operator')).status, 200);
});
after(async () => { await srv?.stop(); });

test('domains: the 27 in order; anonymous callers are refused', async () => {
  const r = await operator.get('/api/v1/domains');
  assert.equal(r.status, 200);
  assert.equal(r.body.count, 27);
  assert.deepEqual(r.body.domains[0], { code: 'KTTH', name_vi: 'Kinh tế tổng hợp', name_en: 'General economy' });
  assert.equal((await new Client(srv.url).get('/api/v1/domains')).status, 401);
});

test('list: paging, domain, search without diacritics, CSV', async () => {
  let r = await operator.get('/api/v1/indicators?page_size=10&page=2');
  assert.equal(r.status, 200);
  assert.equal(r.body.total, 1183);
  assert.equal(r.body.count, 10);
  assert.equal(r.body.indicators[0].code, RECORDS[11][0]);
  r = await operator.get('/api/v1/indicators?domain=CCHC&page_size=500');
  assert.equal(r.body.total, 81);
  assert.ok(r.body.indicators.every((x) => x.domain === 'CCHC'));
  r = await operator.get('/api/v1/indicators?q=ty%20le%20ho%20so&page_size=500');
  assert.ok(r.body.total > 0);
  assert.ok(r.body.indicators.every((x) => /tỷ lệ hồ sơ/i.test(x.name_vi) || /ty le ho so/i.test(x.name_en)), JSON.stringify(r.body.indicators.map((x) => x.name_vi)));
  assert.ok(r.body.indicators.some((x) => x.name_vi.startsWith('Tỷ lệ hồ sơ')));
  r = await operator.get('/api/v1/indicators?q=cchc.tl_hs_toantrinh');
  assert.equal(r.body.total, 1);
  r = await operator.get('/api/v1/indicators?domain=CCHC&format=csv');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const recs = parseCsv(r.text);
  assert.deepEqual(recs[0], RECORDS[0]);
  assert.equal(recs.length, 82);
  assert.deepEqual(recs[1], RECORDS.find((x) => x[COL.domain] === 'CCHC'));
  r = await operator.get('/api/v1/indicators?page_size=501');
  assert.equal(r.status, 400);
  r = await operator.get('/api/v1/indicators?colour=red');
  assert.equal(r.status, 400);
});

test('XLSX: every match as a workbook, with its CSV twin; iocctl imports the workbook back unchanged', async () => {
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const get = (q) => fetch(`${srv.url}/api/v1/indicators?${q}`, { headers: { cookie: operator.cookie } });
  let res = await get('format=xlsx');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), XLSX);
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="indicators.xlsx"');
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  const r = iocctl(srv.data, ['indicators', 'import', file('api.xlsx', bytes)]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0 indicators added, 0 updated, 1183 unchanged/);
  assert.equal(exported(srv.data), CATALOGUE);
  res = await get('format=csv');
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="indicators.csv"');
  assert.equal(await res.text(), CATALOGUE, 'the CSV answer is the catalogue file byte for byte');
  // the filters apply: one domain's workbook is a part of the whole
  res = await get('format=xlsx&domain=CCHC');
  assert.equal(res.status, 200);
  const part = Buffer.from(await res.arrayBuffer());
  assert.ok(part.length < bytes.length);
  assert.equal((await get('format=xls')).status, 400);
});

test('get one: every column, revision and time of change; 404 for an unknown code', async () => {
  const r = await operator.get('/api/v1/indicators/CCHC.TL_HS_TOANTRINH');
  assert.equal(r.status, 200);
  const rec = find(RECORDS, 'CCHC.TL_HS_TOANTRINH');
  for (const [k, i] of Object.entries(COL)) assert.equal(r.body[k], rec[i], k);
  assert.equal(r.body.revision, 1);
  assert.match(r.body.updated_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal((await operator.get('/api/v1/indicators/CCHC.NOPE')).status, 404);
});

const body = (code, over = {}) => {
  const rec = find(RECORDS, code);
  return { ...Object.fromEntries(Object.entries(COL).map(([k, i]) => [k, rec[i]])), ...over };
};

test('PUT: a bad field is refused naming it; nothing changes', async () => {
  const cases = [
    [{ thresholds: 'amber=110%' }, 'thresholds'],
    [{ thresholds: '10%' }, 'thresholds'],
    [{ agency: 'SO-KHONG-CO' }, 'agency'],
    [{ frequency: 'weekly' }, 'frequency'],
    [{ domain: 'XX' }, 'domain'],
    [{ target: 'ba mươi' }, 'target'],
    [{ colour: 'red' }, 'colour'],
    [{ code: 'CCHC.OTHER' }, 'code'],
  ];
  for (const [over, name] of cases) {
    const r = await admin.put('/api/v1/indicators/CCHC.TL_HS_TOANTRINH', body('CCHC.TL_HS_TOANTRINH', over));
    assert.equal(r.status, 422, JSON.stringify([over, r.body]));
    assert.equal(r.body.error.code, 'invalid_field');
    assert.equal(r.body.error.field, name, JSON.stringify(r.body));
  }
  const [d0, d1] = derived(RECORDS);
  let r = await admin.put(`/api/v1/indicators/${d0[0]}`, body(d0[0], { expression: '100 * (' }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'expression');
  r = await admin.put(`/api/v1/indicators/${d1[0]}`, body(d1[0], { expression: 'NOPE.X + 1' }));
  assert.equal(r.status, 422);
  assert.match(r.body.error.message, /unknown code NOPE\.X/);
  r = await admin.put(`/api/v1/indicators/${d1[0]}`, body(d1[0], { expression: `${d1[0]} * 2` }));
  assert.equal(r.status, 422);
  assert.match(r.body.error.message, /a cycle/);
  r = await operator.get('/api/v1/indicators/CCHC.TL_HS_TOANTRINH');
  assert.equal(r.body.revision, 1);
  assert.equal(r.body.thresholds, find(RECORDS, 'CCHC.TL_HS_TOANTRINH')[COL.thresholds]);
});

test('PUT by a non-admin is refused (403); by an admin it is stored, counted and audited', async () => {
  const change = body('CCHC.TL_HS_TOANTRINH', { target: '35', thresholds: 'amber=95%' });
  let r = await operator.put('/api/v1/indicators/CCHC.TL_HS_TOANTRINH', change);
  assert.equal(r.status, 403);
  r = await admin.put('/api/v1/indicators/CCHC.TL_HS_TOANTRINH', change);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.target, '35');
  assert.equal(r.body.thresholds, 'amber=95%');
  assert.equal(r.body.revision, 2);
  r = await admin.put('/api/v1/indicators/CCHC.TL_HS_TOANTRINH', change); // the same again
  assert.equal(r.body.revision, 2);
  // a new indicator joins the end of the catalogue
  const fresh = { domain: 'CCHC', name_vi: 'Chỉ tiêu thử (dữ liệu mẫu)', name_en: 'Test indicator (demo data)', unit: 'hồ sơ', frequency: 'month', aggregation: 'sum', polarity: 'higher', agency: 'SO-NV', source: 'entered', deadline: '+5d' };
  r = await admin.put('/api/v1/indicators/CCHC.THU_NGHIEM', fresh);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await operator.get('/api/v1/indicators?domain=CCHC&page_size=500');
  assert.equal(r.body.total, 82);
  assert.equal(r.body.indicators.at(-1).code, 'CCHC.THU_NGHIEM');
  r = await admin.get('/api/v1/audit?action=indicator.put&limit=10');
  assert.deepEqual(r.body.entries.map((e) => [e.target, e.actor, JSON.parse(e.detail)]), [
    ['indicator:CCHC.THU_NGHIEM', 'admin', { added: 1, updated: 0 }],
    ['indicator:CCHC.TL_HS_TOANTRINH', 'admin', { added: 0, updated: 0 }],
    ['indicator:CCHC.TL_HS_TOANTRINH', 'admin', { added: 0, updated: 1 }],
  ]);
});

test('iocctl imports while iocd runs; the API sees it at once', async () => {
  const recs = copy();
  const code = recs[1][0];
  recs[1][COL.name_en] = 'Renamed while iocd runs';
  const r = iocctl(srv.data, ['indicators', 'import', file('live.csv', toCsv(recs))]);
  assert.equal(r.status, 0, r.stderr);
  const g = await operator.get(`/api/v1/indicators/${encodeURIComponent(code)}`);
  assert.equal(g.body.name_en, 'Renamed while iocd runs');
  assert.equal(g.body.revision, 2);
});

// Last: the API's server logged in before the first test, and its keep-alive connections close
// after 30 s idle (server.request_timeout_s); iocctl tests between would keep them idle longer.
test('an XLSX catalogue as Excel stores it: bad cells by row and column name; then it imports', () => {
  const recs = copy();
  find(recs, 'KTTH.GRDP_SS')[COL.frequency] = 'weekly';
  const row = recs.findIndex((r) => r[0] === 'KTTH.GRDP_SS') + 1;
  let r = iocctl(data, ['indicators', 'import', file('bad.xlsx', xlsxOf(recs))]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`bad\\.xlsx:${row}: row ${row - 1}, column frequency: not one of`));
  assert.match(r.stderr, /1 problem: nothing stored/);
  // a cell past the header's 17 columns
  const wide = copy();
  wide[5] = [...wide[5], 'extra'];
  r = iocctl(data, ['indicators', 'import', file('wide.xlsx', xlsxOf(wide))]);
  assert.match(r.stderr, /wide\.xlsx:6: row 5: 18 cells where the header has 17/);
  // a broken workbook is one problem with the reader's sentence
  r = iocctl(data, ['indicators', 'import', file('broken.xlsx', Buffer.from('PK\x03\x04 not a zip'))]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /broken\.xlsx:1: not an XLSX file/);
  // the good one: numbers came as numbers (target "35" as 35), empty cells were left out
  const good = copy();
  find(good, 'CCHC.TL_HS_TOANTRINH')[COL.target] = '35';
  r = iocctl(data, ['indicators', 'import', file('good.xlsx', xlsxOf(good))]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0 indicators added, 1 updated, 1182 unchanged/);
  assert.equal(find(parseCsv(exported(data)), 'CCHC.TL_HS_TOANTRINH')[COL.target], '35');
  r = iocctl(data, ['indicators', 'import', path.join(ROOT, 'data/indicators/catalogue.csv')]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(exported(data), CATALOGUE);
});
