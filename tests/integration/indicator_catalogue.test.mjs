// The demo indicator catalogue (data/indicators/, issue 17): the 27 domains of the issue, at least
// 1,000 indicators, every value of every column allowed, expressions that refer only to known
// codes and have no cycle, agencies that the demo seed creates, and Đồng Nai's two targets. Needs
// no server. The last tests feed the checker broken copies to show that each rule can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (p) => readFileSync(path.join(ROOT, p), 'utf8');

// The domains as issue 17 lists them, in its order.
const ISSUE_DOMAINS = [
  'kinh tế tổng hợp', 'tài chính – ngân sách', 'đầu tư', 'công nghiệp', 'thương mại – dịch vụ',
  'nông nghiệp', 'tài nguyên – đất đai', 'môi trường', 'xây dựng – đô thị', 'giao thông – vận tải', 'y tế',
  'giáo dục – đào tạo', 'lao động – việc làm', 'an sinh xã hội', 'văn hóa – thể thao', 'du lịch',
  'khoa học – công nghệ', 'thông tin – truyền thông', 'chuyển đổi số', 'cải cách hành chính – dịch vụ công',
  'phản ánh hiện trường', 'an ninh trật tự', 'an toàn thông tin', 'phòng chống thiên tai', 'dân cư',
  'thuế – hải quan', 'năng lượng – điện nước',
];
const COLUMNS = ['code', 'domain', 'name_vi', 'name_en', 'definition_vi', 'unit', 'frequency', 'aggregation',
  'scale', 'polarity', 'agency', 'source', 'deadline', 'target', 'thresholds', 'expression', 'weight'];
const ENUMS = {
  frequency: ['day', 'month', 'quarter', 'year'],
  aggregation: ['sum', 'mean', 'wmean', 'ratio', 'min', 'max', 'last'],
  polarity: ['higher', 'lower'],
  source: ['entered', 'imported', 'api', 'derived', 'telemetry'],
};
const FREQ_RANK = { day: 0, month: 1, quarter: 2, year: 3 };
const NUMBER = /^-?\d+(\.\d+)?$/;
const CODE_IN_EXPR = /[A-Za-z][A-Za-z0-9_.]*/y;

// The agencies src/seed/seed.c creates: departments[] plus the ones added by name.
export function seededAgencies(source) {
  const block = source.slice(source.indexOf('departments[] = {'));
  const table = block.slice(0, block.indexOf('};'));
  const codes = [...table.matchAll(/\{"([A-Z0-9-]+)",/g)].map((m) => m[1]);
  for (const m of source.matchAll(/store_agency_add\(w, "([A-Z0-9-]+)"/g)) codes.push(m[1]);
  return new Set(codes);
}

// RFC 4180: fields separated by commas, records by LF here (the files are written with LF only),
// quoted fields may hold commas, quotes (doubled) and line breaks. Throws on malformed quoting.
export function parseCsv(text) {
  const records = [];
  let rec = [], field = '', i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\n') throw new Error(`text after a closing quote at ${i}`);
    } else if (c === ',') { rec.push(field); field = ''; i++; }
    else if (c === '\n') { rec.push(field); records.push(rec); rec = []; field = ''; i++; }
    else if (c === '"') throw new Error(`quote inside an unquoted field at ${i}`);
    else { field += c; i++; }
  }
  if (field !== '' || rec.length) throw new Error('the last record does not end with LF');
  return records;
}

// The codes an expression refers to, or throws on a syntax error. Grammar: expr = term {(+|-)
// term}; term = unary {(*|/) unary}; unary = [-] primary; primary = number | code | ( expr ).
export function expressionRefs(expr) {
  const refs = [];
  let i = 0;
  const ws = () => { while (expr[i] === ' ') i++; };
  const fail = (what) => { throw new Error(`column ${i + 1}: expected ${what}`); };
  function primary() {
    ws();
    if (expr[i] === '(') { i++; sum(); ws(); if (expr[i] !== ')') fail("')'"); i++; return; }
    const num = /\d+(\.\d+)?/y;
    num.lastIndex = i;
    let m = num.exec(expr);
    if (m) { i += m[0].length; return; }
    CODE_IN_EXPR.lastIndex = i;
    m = CODE_IN_EXPR.exec(expr);
    if (m) { refs.push(m[0]); i += m[0].length; return; }
    fail('a number, a code or (');
  }
  function unary() { ws(); if (expr[i] === '-') i++; primary(); }
  function term() { unary(); for (ws(); expr[i] === '*' || expr[i] === '/'; ws()) { i++; unary(); } }
  function sum() { term(); for (ws(); expr[i] === '+' || expr[i] === '-'; ws()) { i++; term(); } }
  sum();
  ws();
  if (i !== expr.length) fail('an operator or the end');
  return refs;
}

// Every rule over the two files' text; returns the problems, each "rule: what".
export function check(domainsText, catalogueText, agencies) {
  const problems = [];
  const bad = (rule, what) => problems.push(`${rule}: ${what}`);
  for (const [name, text] of [['domains.csv', domainsText], ['catalogue.csv', catalogueText]]) {
    if (text.charCodeAt(0) === 0xfeff) bad('encoding', `${name} starts with a BOM`);
    if (text.includes('\r')) bad('encoding', `${name} has CR line ends`);
    if (text !== text.normalize('NFC')) bad('encoding', `${name} is not NFC`);
  }
  let dom, cat;
  try {
    dom = parseCsv(domainsText);
    cat = parseCsv(catalogueText);
  } catch (e) {
    bad('csv', e.message);
    return problems;
  }
  if (dom[0].join(',') !== 'code,name_vi,name_en') bad('csv', `domains.csv header ${dom[0]}`);
  if (cat[0].join(',') !== COLUMNS.join(',')) bad('csv', `catalogue.csv header ${cat[0]}`);
  const domains = dom.slice(1).map(([code, name_vi, name_en]) => ({ code, name_vi, name_en }));
  if (domains.map((d) => d.name_vi.toLowerCase()).join('|') !== ISSUE_DOMAINS.join('|'))
    bad('domains', `the domains are not issue 17's 27 in its order: ${domains.map((d) => d.name_vi).join(', ')}`);
  for (const d of domains) {
    if (!/^[A-Z]{2,6}$/.test(d.code)) bad('domains', `bad domain code ${d.code}`);
    if (!d.name_en) bad('domains', `${d.code} has no English name`);
  }
  if (new Set(domains.map((d) => d.code)).size !== domains.length) bad('domains', 'duplicate domain codes');

  const rows = [];
  for (const [n, rec] of cat.slice(1).entries()) {
    if (rec.length !== COLUMNS.length) { bad('csv', `record ${n + 2} has ${rec.length} fields`); continue; }
    rows.push(Object.fromEntries(COLUMNS.map((k, j) => [k, rec[j]])));
  }
  const byCode = new Map();
  const names = { name_vi: new Set(), name_en: new Set() };
  for (const r of rows) {
    if (!/^[A-Z][A-Z0-9]*\.[A-Z][A-Z0-9_]*$/.test(r.code)) bad('code', `malformed code ${r.code}`);
    else if (r.code.split('.')[0] !== r.domain) bad('code', `${r.code} is not in its domain ${r.domain}`);
    if (byCode.has(r.code)) bad('code', `duplicate code ${r.code}`);
    byCode.set(r.code, r);
    for (const k of ['name_vi', 'name_en']) {
      if (!r[k].trim()) bad('name', `${r.code} has no ${k}`);
      else if (names[k].has(r[k])) bad('name', `${r.code}: ${k} "${r[k]}" is used twice`);
      names[k].add(r[k]);
    }
    if (/^Chỉ tiêu \d/.test(r.name_vi)) bad('name', `${r.code}: a placeholder name`);
    if (!r.definition_vi.trim() || !r.unit.trim()) bad('name', `${r.code} lacks a definition or unit`);
  }

  const counts = new Map(domains.map((d) => [d.code, 0]));
  for (const r of rows) {
    if (!counts.has(r.domain)) bad('domain', `${r.code}: unknown domain ${r.domain}`);
    else counts.set(r.domain, counts.get(r.domain) + 1);
  }
  if (rows.length < 1000) bad('count', `only ${rows.length} indicators`);
  for (const [d, n] of counts) if (n < 10) bad('count', `domain ${d} has only ${n} indicators`);
  const sorted = [...counts.values()].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  for (const d of ['YT', 'GDDT', 'CCHC', 'NN'])
    if (!(counts.get(d) > median)) bad('count', `${d} (${counts.get(d)}) is not above the median domain (${median})`);
  const economy = ['KTTH', 'TCNS', 'DAUTU', 'CN', 'TMDV', 'NN'].reduce((s, d) => s + (counts.get(d) ?? 0), 0);
  if (economy < rows.length / 4) bad('count', `the economic domains hold only ${economy} of ${rows.length}`);

  for (const r of rows) {
    for (const [k, allowed] of Object.entries(ENUMS))
      if (!allowed.includes(r[k])) bad('enum', `${r.code}: ${k} "${r[k]}"`);
    if (!agencies.has(r.agency)) bad('agency', `${r.code}: agency "${r.agency}" is not seeded`);
    if (r.aggregation === 'ratio' ? !(NUMBER.test(r.scale) && Number(r.scale) > 0) : r.scale !== '')
      bad('scale', `${r.code}: scale "${r.scale}" with aggregation ${r.aggregation}`);
    if (r.unit === '%' && r.name_vi.startsWith('Tỷ lệ') && (r.aggregation !== 'ratio' || r.scale !== '100'))
      bad('ratio', `${r.code}: a percentage share must be a ratio with scale 100`);
    const derived = r.source === 'derived';
    if (derived !== (r.expression !== '')) bad('expression', `${r.code}: source ${r.source} with expression "${r.expression}"`);
    // A derived ratio carries its multiplier in the expression; scale only repeats it.
    if (derived && r.aggregation === 'ratio' && !(r.scale === '1' ? /^[A-Z(]/ : new RegExp(`^${r.scale} \\* `)).test(r.expression))
      bad('scale', `${r.code}: scale ${r.scale} is not the multiplier of "${r.expression}"`);
    // a day: by an hour of the day, or (the figures iocd computes after midnight) of a day after
    if (derived ? r.deadline !== '' : !(r.frequency === 'day' ? /^(\+[1-9]\d{0,2}d )?([01]\d|2[0-3]):[0-5]\d$/ : /^\+\d{1,3}d$/).test(r.deadline))
      bad('deadline', `${r.code}: deadline "${r.deadline}" for ${r.frequency}, source ${r.source}`);
    if (r.target !== '' && !NUMBER.test(r.target)) bad('target', `${r.code}: target "${r.target}"`);
    checkThresholds(r, bad);
    if ((r.aggregation === 'wmean') !== (r.weight !== '')) bad('weight', `${r.code}: weight "${r.weight}" with ${r.aggregation}`);
    if (r.weight) {
      const w = byCode.get(r.weight);
      if (!w) bad('weight', `${r.code}: unknown weight ${r.weight}`);
      else if (w.aggregation !== 'sum') bad('weight', `${r.code}: weight ${r.weight} does not add up (${w.aggregation})`);
    }
  }
  checkExpressions(rows, byCode, bad);
  return problems;
}

function checkThresholds(r, bad) {
  const t = r.thresholds;
  if (t === '') return;
  const higher = r.polarity === 'higher';
  let m = /^amber=(\d+(?:\.\d+)?)%$/.exec(t);
  if (m) {
    const p = Number(m[1]);
    if (r.target === '') bad('thresholds', `${r.code}: relative thresholds without a target`);
    if (higher ? !(p < 100) : !(p > 100)) bad('thresholds', `${r.code}: ${t} is on the wrong side of the target for ${r.polarity}`);
    return;
  }
  m = /^amber=(-?\d+(?:\.\d+)?);red=(-?\d+(?:\.\d+)?)$/.exec(t);
  if (!m) return bad('thresholds', `${r.code}: "${t}" is neither amber=N% nor amber=A;red=R`);
  const [a, red] = [Number(m[1]), Number(m[2])];
  if (higher ? !(red < a) : !(red > a)) bad('thresholds', `${r.code}: ${t} in the wrong order for ${r.polarity}`);
  if (r.target !== '' && (higher ? !(a <= Number(r.target)) : !(a >= Number(r.target))))
    bad('thresholds', `${r.code}: the target ${r.target} is not on the green side of ${t}`);
}

function checkExpressions(rows, byCode, bad) {
  const deps = new Map();
  for (const r of rows.filter((x) => x.expression)) {
    let refs;
    try {
      refs = expressionRefs(r.expression);
    } catch (e) {
      bad('expression', `${r.code}: "${r.expression}": ${e.message}`);
      continue;
    }
    if (!refs.length) bad('expression', `${r.code}: "${r.expression}" refers to no indicator`);
    for (const c of refs) {
      const input = byCode.get(c);
      if (!input) bad('expression', `${r.code}: unknown code ${c}`);
      else if (FREQ_RANK[input.frequency] > FREQ_RANK[r.frequency])
        bad('expression', `${r.code} (${r.frequency}) uses ${c}, which is only ${input.frequency}`);
    }
    deps.set(r.code, refs.filter((c) => byCode.has(c)));
  }
  const state = new Map(); // 1 on the path, 2 done
  const visit = (code, pathSoFar) => {
    if (state.get(code) === 2) return;
    if (state.get(code) === 1) {
      const cycle = pathSoFar.slice(pathSoFar.indexOf(code));
      return bad('cycle', `${[...cycle, code].join(' → ')}`);
    }
    state.set(code, 1);
    for (const c of deps.get(code) ?? []) visit(c, [...pathSoFar, code]);
    state.set(code, 2);
  };
  for (const code of deps.keys()) visit(code, []);
}

const domainsText = read('data/indicators/domains.csv');
const catalogueText = read('data/indicators/catalogue.csv');
const agencies = seededAgencies(read('src/seed/seed.c'));
const problems = check(domainsText, catalogueText, agencies);
const rule = (name) => problems.filter((p) => p.startsWith(`${name}:`));
const rows = parseCsv(catalogueText).slice(1).map((rec) => Object.fromEntries(COLUMNS.map((k, j) => [k, rec[j]])));

test('the seed list of agencies is read from src/seed/seed.c', () => {
  for (const a of ['UBND-75', 'CA', 'VP-UBND', 'SO-TC', 'SO-YT', 'TTR']) assert.ok(agencies.has(a), a);
  assert.equal(agencies.size, 15);
});

test('the files are UTF-8 NFC, no BOM, LF, well-formed RFC 4180', () => {
  assert.deepEqual([...rule('encoding'), ...rule('csv')], []);
});

test("27 domains: issue 17's list in its order, with stable codes", () => {
  assert.deepEqual(rule('domains'), []);
  assert.equal(parseCsv(domainsText).length - 1, 27);
});

test('at least 1,000 indicators, at least 10 per domain, more in economy, health, education, public services', () => {
  assert.ok(rows.length >= 1000, `${rows.length}`);
  assert.deepEqual([...rule('count'), ...rule('domain')], []);
});

test('codes unique and well-formed; names unique, not placeholders; definitions and units present', () => {
  assert.deepEqual([...rule('code'), ...rule('name')], []);
});

test('every enum value allowed; every agency seeded; ratios with a scale; percentages of counts are ratios', () => {
  assert.deepEqual([...rule('enum'), ...rule('agency'), ...rule('scale'), ...rule('ratio')], []);
});

test('deadlines, targets and thresholds are well-formed and consistent with the polarity', () => {
  assert.deepEqual([...rule('deadline'), ...rule('target'), ...rule('thresholds')], []);
});

test('derived expressions parse, refer only to known codes no finer than themselves, no cycle', () => {
  assert.deepEqual([...rule('expression'), ...rule('cycle')], []);
  assert.ok(rows.filter((r) => r.source === 'derived').length >= 50);
});

test('wmean indicators name an existing weight that adds up', () => {
  assert.deepEqual(rule('weight'), []);
  assert.ok(rows.some((r) => r.aggregation === 'wmean'));
});

test("Đồng Nai's two targets are ratio indicators with targets 40 and 30", () => {
  const online = rows.find((r) => r.code === 'CCHC.TL_DVCTT_NDDN');
  const full = rows.find((r) => r.code === 'CCHC.TL_HS_TOANTRINH');
  assert.match(online.name_vi, /người dân và doanh nghiệp sử dụng dịch vụ công trực tuyến/);
  assert.match(full.name_vi, /trực tuyến toàn trình/);
  for (const [r, target] of [[online, '40'], [full, '30']]) {
    assert.equal(r.aggregation, 'ratio');
    assert.equal(r.scale, '100');
    assert.equal(r.unit, '%');
    assert.equal(r.polarity, 'higher');
    assert.equal(r.target, target);
  }
});

test('no problem at all', () => {
  assert.deepEqual(problems, []);
});

test("data/indicators/README.md's table of domains matches the files", () => {
  const readme = read('data/indicators/README.md');
  const table = [...readme.matchAll(/^\| ([A-Z]+) \| ([^|]+) \| ([^|]+) \| (\d+) \|$/gm)];
  const domains = parseCsv(domainsText).slice(1);
  assert.deepEqual(table.map((m) => [m[1], m[2], m[3]]), domains);
  for (const m of table) assert.equal(Number(m[4]), rows.filter((r) => r.domain === m[1]).length, m[1]);
});

test('the committed files are what scripts/gen-indicators.mjs writes', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-indicators.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

// The checker itself: each broken copy must be reported under its rule.
function mutate(fn) {
  const recs = parseCsv(catalogueText);
  const idx = Object.fromEntries(COLUMNS.map((k, j) => [k, j]));
  fn(recs, idx);
  const q = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return recs.map((r) => r.map(q).join(',')).join('\n') + '\n';
}
const find = (recs, idx, code) => recs.find((r) => r[idx.code] === code);

test('the checker fails on broken copies', () => {
  const cases = [
    ['cycle', (recs, idx) => {
      find(recs, idx, 'CCHC.HS_TRUCTUYEN')[idx.source] = 'derived';
      find(recs, idx, 'CCHC.HS_TRUCTUYEN')[idx.deadline] = '';
      find(recs, idx, 'CCHC.HS_TRUCTUYEN')[idx.expression] = 'CCHC.TL_TRUCTUYEN * CCHC.HS_TIEPNHAN / 100';
    }],
    ['expression', (recs, idx) => { find(recs, idx, 'CCHC.TL_TRUCTUYEN')[idx.expression] = '100 * CCHC.NO_SUCH / CCHC.HS_TIEPNHAN'; }],
    ['expression', (recs, idx) => { find(recs, idx, 'CCHC.TL_TRUCTUYEN')[idx.expression] = '100 * (CCHC.HS_TRUCTUYEN / CCHC.HS_TIEPNHAN'; }],
    ['expression', (recs, idx) => { find(recs, idx, 'KTTH.GRDP_BQ')[idx.frequency] = 'month'; }],
    ['agency', (recs, idx) => { recs[1][idx.agency] = 'SO-KHDT'; }],
    ['enum', (recs, idx) => { recs[1][idx.aggregation] = 'average'; }],
    ['ratio', (recs, idx) => { const r = find(recs, idx, 'CCHC.TL_HS_TOANTRINH'); r[idx.aggregation] = 'mean'; r[idx.scale] = ''; }],
    ['scale', (recs, idx) => { find(recs, idx, 'KTTH.GRDP_HH')[idx.scale] = '100'; }],
    ['scale', (recs, idx) => { find(recs, idx, 'CCHC.TL_TRUCTUYEN')[idx.expression] = 'CCHC.HS_TRUCTUYEN / CCHC.HS_TIEPNHAN'; }],
    ['weight', (recs, idx) => { find(recs, idx, 'NN.NS_LUA')[idx.weight] = 'NN.DT_NOTHING'; }],
    ['code', (recs, idx) => { recs[2][idx.code] = recs[1][idx.code]; }],
    ['code', (recs, idx) => { recs[1][idx.code] = 'ktth.grdp'; }],
    ['name', (recs, idx) => { recs[2][idx.name_vi] = recs[1][idx.name_vi]; }],
    ['deadline', (recs, idx) => { find(recs, idx, 'MT.PM25')[idx.deadline] = '+5d'; }],
    ['thresholds', (recs, idx) => { find(recs, idx, 'MT.PM25')[idx.thresholds] = 'amber=50;red=25'; }],
    ['thresholds', (recs, idx) => { find(recs, idx, 'CCHC.TL_HS_TOANTRINH')[idx.thresholds] = 'amber=110%'; }],
    ['count', (recs) => { recs.splice(1, recs.length - 1 - 999); }],
    ['count', (recs, idx) => { for (let i = recs.length - 1; i > 0; i--) if (recs[i][idx.domain] === 'ATTT') recs.splice(i, 1); }],
    ['encoding', (recs, idx) => { recs[1][idx.name_vi] = recs[1][idx.name_vi].normalize('NFD'); }],
  ];
  for (const [name, fn] of cases) {
    const got = check(domainsText, mutate(fn), agencies);
    assert.ok(got.some((p) => p.startsWith(`${name}:`)), `${name} not reported; got ${JSON.stringify(got.slice(0, 5))}`);
  }
  const noBank = domainsText.replace(/\nDL,.*\n/, '\n');
  assert.ok(check(noBank, catalogueText, agencies).some((p) => p.startsWith('domains:')));
  assert.ok(check(domainsText, catalogueText, new Set(['CA'])).some((p) => p.startsWith('agency:')));
});
