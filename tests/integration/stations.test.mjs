// The station registry (docs/environment.md "Stations"): the demo's synthetic stations seeded by
// --demo inside real communes; the API lists them (filters, GeoJSON), reads one with its version
// as ETag, lets operators and admins create, replace (If-Match → 412 when stale, If-None-Match: *
// create only; 422 naming the field, outside the province naming lat) and delete them, each
// audited; the status comes from the last reading written through POST /write; iocctl imports
// (all or nothing, every refused row with its row, column and why) and exports the registry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tempDir, seededDataDir, startDemo, Client, iocctl } from './lib.mjs';

const FILE = readFileSync(path.join(ROOT, 'data/environment/stations.csv'), 'utf8');
const ROWS = FILE.trimEnd().split('\n').slice(1);
const dir = tempDir('ioc-stations-');
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name, text) => { const p = path.join(dir, name); writeFileSync(p, text); return p; };

// ---- files: the demo, export, import -----------------------------------------------------------

let data;
before(() => { data = seededDataDir(); });
after(() => rmSync(data, { recursive: true, force: true }));

test('the demo file: ~14 air, ~6 water-level, a noise and a water-quality station, synthetic, labelled, with alarm levels', () => {
  const kinds = ROWS.map((l) => l.split(',')[3]);
  assert.ok(kinds.filter((k) => k === 'air').length >= 12);
  assert.ok(kinds.filter((k) => k === 'water_level').length >= 5);
  assert.deepEqual(ROWS.filter((l) => /,(noise|water_quality),/.test(l)).map((l) => l.split(',')[0]), ['NO-BH1', 'WQ-DN3']);
  assert.match(FILE, /,noise,[\d.]+,[\d.]+,laeq,/);
  assert.match(FILE, /,water_quality,[\d.]+,[\d.]+,"do,ph,tss",/);
  for (const l of ROWS) {
    assert.ok(l.endsWith(',1'), `synthetic=1: ${l}`);
    assert.match(l, /\(dữ liệu mẫu\)/);
    assert.match(l, /^(AQ|WL|NO|WQ)-[A-Z]{2}\d,/);
  }
  for (const l of ROWS.filter((x) => x.includes(',water_level,'))) {
    const [a1, a2, a3] = l.split(',').slice(-4, -1).map(Number);
    assert.ok(a1 < a2 && a2 < a3, l);
  }
});

test('export after the demo gives the file back byte for byte; importing it changes nothing', () => {
  const out = path.join(dir, 'out.csv');
  let r = iocctl(data, ['stations', 'export', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(out, 'utf8'), FILE);
  r = iocctl(data, ['stations', 'import', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`0 stations added, 0 updated, ${ROWS.length} unchanged`));
});

test('a refused file: every problem with its row and column; nothing stored', () => {
  const header = FILE.split('\n')[0];
  const bad = [header,
    'NEW-1,Trạm mới,New,air,10.95,106.82,pm25,,,,,0', // good, but not stored
    'bad code,Tên,,air,10.95,106.82,pm25,,,,,0',
    'NEW-2,Trạm,,air,21.03,105.85,pm25,,,,,0', // Hà Nội: outside the province
    'NEW-3,Trạm,,water_level,10.95,106.82,level,,3,2,,0',
    'NEW-4,Trạm,,air,10.95,106.82,pm25,NOPE,1,,,0',
    'NEW-5,Trạm,,volcano,10.95,106.82,pm25,,,,,2',
    'NEW-1,Trạm lặp,,air,10.95,106.82,pm25,,,,,0'].join('\n') + '\n';
  const p = file('bad.csv', bad);
  const r = iocctl(data, ['stations', 'import', p]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /row 2, code: code must be/);
  assert.match(r.stderr, /row 3, lat: The point lat 21\.030000, lon 105\.850000 is outside the province/);
  assert.match(r.stderr, /row 4, alarm2: alarm2 must be higher than alarm1/);
  assert.match(r.stderr, /row 5, agency: No agency has code NOPE/);
  assert.match(r.stderr, /row 5, alarm1: Alarm levels apply to water_level stations only/);
  assert.match(r.stderr, /row 6, synthetic: /);
  assert.match(r.stderr, /row 7, code: The code NEW-1 is already in the file/);
  assert.doesNotMatch(r.stderr, /row 1,/);
  assert.match(r.stderr, /problems; nothing was stored/);
  assert.equal(iocctl(data, ['stations', 'export']).stdout, FILE);
  assert.equal(iocctl(data, ['stations', 'export', '-']).stdout, FILE); // - is stdout too
  const unknown = iocctl(data, ['stations', 'exports']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /stations takes import or export/);
  const hdr = iocctl(data, ['stations', 'import', file('hdr.csv', 'code,name_vi,kind,lat,commune\n')]);
  assert.equal(hdr.status, 1);
  assert.match(hdr.stderr, /header: Unknown column "commune"/);
  assert.match(hdr.stderr, /header, lon: The header lacks the column lon/);
});

test('import: added and updated, the commune computed; export and import audited', () => {
  const header = FILE.split('\n')[0];
  const changed = ROWS[0].replace('(dữ liệu mẫu)', '(đã đổi – dữ liệu mẫu)');
  const p = file('two.csv', `${header}\r\n${changed}\r\nAQ-NEW,"Trạm mới, thử",,air,10.95,106.82,"pm25,pm10",SO-NNMT,,,,1\r\n`);
  let r = iocctl(data, ['stations', 'import', p]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 stations added, 1 updated, 0 unchanged/);
  const out = iocctl(data, ['stations', 'export']).stdout;
  assert.ok(out.includes('AQ-NEW,"Trạm mới, thử",,air,10.95,106.82,"pm25,pm10",SO-NNMT,,,,1\n'), out);
  r = iocctl(data, ['audit', 'export', '--out', path.join(dir, 'audit.jsonl')]);
  assert.equal(r.status, 0, r.stderr);
  const rows = readFileSync(path.join(dir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((a) => a.action.startsWith('stations.'));
  assert.deepEqual(rows.map((a) => [a.action, a.actor, a.target, JSON.parse(a.detail)]), [
    ['stations.import', 'demo', 'stations:stations.csv', { added: ROWS.length, updated: 0, unchanged: 0 }],
    ['stations.export', 'iocctl', 'stations:out.csv', { stations: ROWS.length }],
    ['stations.import', 'iocctl', 'stations:out.csv', { added: 0, updated: 0, unchanged: ROWS.length }],
    ['stations.export', 'iocctl', 'stations:stdout', { stations: ROWS.length }],
    ['stations.export', 'iocctl', 'stations:stdout', { stations: ROWS.length }], // "-"
    ['stations.import', 'iocctl', 'stations:two.csv', { added: 1, updated: 1, unchanged: 0 }],
    ['stations.export', 'iocctl', 'stations:stdout', { stations: ROWS.length + 1 }],
  ]);
});

// ---- the API ---------------------------------------------------------------------------------

let srv, admin, operator, staff, leader, anon, key;
before(async () => {
  srv = await startDemo();
  anon = new Client(srv.url);
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  operator = new Client(srv.url);
  assert.equal((await operator.login('operator')).status, 200);
  staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  leader = new Client(srv.url);
  assert.equal((await leader.login('leader')).status, 200);
  const r = await staff.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:telemetry'] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  key = r.body.key;
});
after(async () => { await srv?.stop(); srv?.cleanup(); });

const body = (over = {}) => ({
  name_vi: 'Trạm thử (dữ liệu mẫu)', name_en: 'Test station', kind: 'water_level', lat: 10.94, lon: 106.81,
  measures: ['level'], agency: 'SO-NNMT', alarm1: 1.5, alarm2: 2, alarm3: 2.5, synthetic: true, ...over,
});

test('list: public, every demo station with status never, filters by kind, commune and agency', async () => {
  let r = await anon.get('/api/v1/stations');
  assert.equal(r.status, 200);
  assert.equal(r.body.count, ROWS.length);
  assert.deepEqual(r.body.stations.map((s) => s.code), ROWS.map((l) => l.split(',')[0]));
  const bh1 = r.body.stations.find((s) => s.code === 'AQ-BH1');
  assert.deepEqual({ ...bh1, updated_at: undefined }, {
    code: 'AQ-BH1', name_vi: 'Trạm không khí Biên Hòa – trung tâm (dữ liệu mẫu)',
    name_en: 'Bien Hoa centre air station (synthetic)', kind: 'air', measurement: 'air',
    lat: 10.93329, lon: 106.80574, commune: '26068', commune_name: 'Biên Hoà',
    measures: ['pm25', 'pm10', 'no2', 'so2', 'co', 'o3'], agency: 'SO-NNMT', alarm1: null, alarm2: null,
    alarm3: null, synthetic: true, status: 'never', last_reading: null, version: 1, updated_at: undefined,
  });
  assert.ok(r.body.stations.every((s) => /^\d{5}$/.test(s.commune) && s.commune_name));
  r = await anon.get('/api/v1/stations?kind=water_level');
  assert.ok(r.body.count >= 5 && r.body.stations.every((s) => s.kind === 'water_level' && s.measurement === 'water' && s.alarm1 < s.alarm2));
  r = await anon.get('/api/v1/stations?commune=26068');
  assert.deepEqual(r.body.stations.map((s) => s.code), ['AQ-BH1', 'NO-BH1', 'WL-DN3', 'WQ-DN3']);
  r = await anon.get('/api/v1/stations?agency=NOPE');
  assert.equal(r.body.count, 0);
  assert.equal((await anon.get('/api/v1/stations?kind=volcano')).status, 400);
  assert.equal((await anon.get('/api/v1/stations?nope=1')).status, 400);
  r = await anon.get('/api/v1/stations.geojson?kind=air');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /application\/geo\+json/);
  const fc = JSON.parse(r.text);
  assert.equal(fc.type, 'FeatureCollection');
  const f = fc.features.find((x) => x.id === 'AQ-BH1');
  assert.deepEqual(f.geometry, { type: 'Point', coordinates: [106.80574, 10.93329] });
  assert.equal(f.properties.status, 'never');
  assert.ok(fc.features.every((x) => x.properties.kind === 'air'));
});

test('get: ETag, 304, 404', async () => {
  let r = await anon.get('/api/v1/stations/WL-DN3');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.equal(r.body.alarm3, 2.4);
  r = await anon.get('/api/v1/stations/WL-DN3', { headers: { 'if-none-match': '"1"' } });
  assert.equal(r.status, 304);
  assert.equal((await anon.get('/api/v1/stations/NOPE')).status, 404);
  assert.equal((await anon.get('/api/v1/stations/bad%20code')).status, 404);
});

test('put: create (201), replace (200, version 2), unchanged, 412 when stale, create-only', async () => {
  let r = await operator.put('/api/v1/stations/WL-TEST', body());
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.headers.get('etag'), '"1"');
  assert.equal(r.body.commune, '26068');
  assert.equal(r.body.status, 'never');
  r = await admin.put('/api/v1/stations/WL-TEST', body({ name_en: 'Renamed' }), { headers: { 'if-match': '"1"' } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.version, 2);
  assert.equal(r.headers.get('etag'), '"2"');
  r = await admin.put('/api/v1/stations/WL-TEST', body({ name_en: 'Renamed' }));
  assert.equal(r.body.version, 2, 'the same station again is no change');
  r = await admin.put('/api/v1/stations/WL-TEST', body({ name_en: 'Stale' }), { headers: { 'if-match': '"1"' } });
  assert.equal(r.status, 412);
  assert.match(r.body.error.message, /version 2/);
  r = await admin.put('/api/v1/stations/WL-TEST', body(), { headers: { 'if-none-match': '*' } });
  assert.equal(r.status, 412);
  assert.equal((await anon.get('/api/v1/stations/WL-TEST')).body.name_en, 'Renamed');
  r = await admin.put('/api/v1/stations/WL-NEW', body({ measures: 'level,temperature' }), { headers: { 'if-none-match': '*' } });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.measures, ['level', 'temperature']);
});

test('put: 422 naming the field; outside the province names lat', async () => {
  const cases = [
    [{ lat: 21.03, lon: 105.85 }, 'lat', /outside the province/],
    [{ kind: 'volcano' }, 'kind', /kind must be/],
    [{ alarm2: 1.0 }, 'alarm2', /higher than alarm1/],
    [{ kind: 'air', measures: ['pm25'] }, 'alarm1', /water_level stations only/],
    [{ measures: ['Level'] }, 'measures', /a-z/],
    [{ measures: [] }, 'measures', /required/],
    [{ agency: 'NOPE' }, 'agency', /No agency/],
    [{ name_vi: '' }, 'name_vi', /required/],
    [{ lat: 'x' }, 'lat', /number/],
    [{ lat: 95 }, 'lat', /latitude/],
    [{ code: 'OTHER' }, 'code', /path/],
    [{ colour: 'red' }, 'colour', /Unknown/],
  ];
  for (const [over, field, why] of cases) {
    const r = await admin.put('/api/v1/stations/WL-BAD', body(over));
    assert.equal(r.status, 422, JSON.stringify(over));
    assert.equal(r.body.error.field, field, JSON.stringify([over, r.body]));
    assert.match(r.body.error.message, why);
  }
  assert.equal((await admin.put('/api/v1/stations/bad%20code', body())).status, 422);
  assert.equal((await anon.get('/api/v1/stations/WL-BAD')).status, 404);
});

test('writes: anonymous and staff refused', async () => {
  assert.equal((await anon.put('/api/v1/stations/WL-X', body())).status, 401);
  assert.equal((await staff.put('/api/v1/stations/WL-X', body())).status, 403);
  assert.equal((await staff.del('/api/v1/stations/WL-TEST')).status, 403);
  assert.equal((await anon.get('/api/v1/stations/WL-X')).status, 404);
});

test('delete: If-Match stale → 412; then 204, 404; audited', async () => {
  let r = await operator.del('/api/v1/stations/WL-TEST', { headers: { 'if-match': '"1"' } });
  assert.equal(r.status, 412);
  r = await operator.del('/api/v1/stations/WL-TEST', { headers: { 'if-match': '"2"' } });
  assert.equal(r.status, 204);
  assert.equal((await operator.del('/api/v1/stations/WL-TEST')).status, 404);
  assert.equal((await anon.get('/api/v1/stations/WL-TEST')).status, 404);
  r = await admin.get('/api/v1/audit?action=station.*&limit=50');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const rows = (r.body.entries || r.body.audit || r.body.rows || r.body).filter((a) => a.target === 'station:WL-TEST');
  assert.deepEqual(rows.map((a) => [a.action, a.actor]).reverse(), [
    ['station.put', 'operator'], ['station.put', 'admin'], ['station.put', 'admin'], ['station.delete', 'operator'],
  ]);
  assert.deepEqual(rows.map((a) => JSON.parse(a.detail || 'null')).reverse().slice(0, 3), [
    { outcome: 'added', version: 1 }, { outcome: 'updated', version: 2 }, { outcome: 'unchanged', version: 2 },
  ]);
});

test('status from the last reading written through /write: online, stale, offline, never', async () => {
  const now = Date.now();
  const lines = [
    `air,station=AQ-BH1 pm25=21.5,pm10=40 ${now - 60_000}`,
    `air,station=AQ-BH2 pm25=30 ${now - 30 * 60_000}`, // 30 min: stale
    `air,station=AQ-BH3 no2=12 ${now - 3 * 3600_000}`, // 3 h: offline
    `water,station=WL-DN3 level=1.2 ${now - 120_000}`,
    `air,station=WL-DN4 pm25=1 ${now}`, // another kind's measurement: not WL-DN4's reading
    `noise,station=NO-BH1 laeq=66.5 ${now - 20 * 60_000}`,
    `noise,station=NO-BH1 laeq=71.2 ${now - 10 * 60_000}`,
    `water_quality,station=WQ-DN3 ph=7.12,do=5.8,tss=31.5 ${now - 60_000}`,
  ].join('\n') + '\n';
  const w = await fetch(`${srv.url}/write?db=ioc&precision=ms`, { method: 'POST', headers: { authorization: `Token ${key}` }, body: lines });
  assert.equal(w.status, 204, await w.text());
  const r = await anon.get('/api/v1/stations');
  const by = Object.fromEntries(r.body.stations.map((s) => [s.code, s]));
  assert.equal(by['AQ-BH1'].status, 'online');
  assert.equal(Date.parse(by['AQ-BH1'].last_reading), now - 60_000);
  assert.equal(by['AQ-BH2'].status, 'stale');
  assert.equal(by['AQ-BH3'].status, 'offline');
  assert.equal(Date.parse(by['AQ-BH3'].last_reading), now - 3 * 3600_000);
  assert.equal(by['WL-DN3'].status, 'online');
  assert.equal(by['WL-DN4'].status, 'never');
  assert.equal(by['AQ-LK1'].status, 'never');
  const one = await anon.get('/api/v1/stations/AQ-BH2');
  assert.equal(one.body.status, 'stale');
  assert.equal(Date.parse(one.body.last_reading), now - 30 * 60_000);
  // noise and water quality: each field's latest value with its unit
  const no = (await anon.get('/api/v1/stations/NO-BH1')).body;
  assert.equal(no.status, 'online');
  assert.deepEqual(no.latest, [{ field: 'laeq', value: 71.2, unit: 'dB(A)', at: new Date(now - 10 * 60_000).toISOString() }]);
  const wq = by['WQ-DN3'];
  assert.deepEqual(wq.latest.map((x) => [x.field, x.value, x.unit]), [['do', 5.8, 'mg/l'], ['ph', 7.12, ''], ['tss', 31.5, 'mg/l']]);
  assert.equal(by['AQ-BH1'].latest, undefined);
});
