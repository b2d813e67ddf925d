// Geography: the real units of Đồng Nai, search that forgives diacritics, history and
// succession, point lookup, GeoJSON that ogrinfo reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startDemo, Client, ROOT, tempDir } from './lib.mjs';

let srv, c;
const communes = JSON.parse(readFileSync(path.join(ROOT, 'data/vn-units/dongnai-2025-communes.geojson'), 'utf8'));

function inRing(x, y, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function inFeature(x, y, f) {
  const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  return polys.some((p) => inRing(x, y, p[0]) && !p.slice(1).some((h) => inRing(x, y, h)));
}
// A point well inside a feature: the grid point inside it farthest from the bbox edges.
export function interiorPoint(f) {
  const ring = (f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates[0])[0];
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
  let best = null, bestScore = -1;
  for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
    const x = x0 + ((x1 - x0) * i) / 20, y = y0 + ((y1 - y0) * j) / 20;
    if (!inFeature(x, y, f)) continue;
    // distance to the nearest vertex of the boundary, as a rough depth
    let d = Infinity;
    for (const [vx, vy] of ring) d = Math.min(d, (vx - x) ** 2 + (vy - y) ** 2);
    if (d > bestScore) { bestScore = d; best = [x, y]; }
  }
  return best;
}

before(async () => { srv = await startDemo(); c = new Client(srv.url); });
after(async () => { await srv.stop(); srv.cleanup(); });

test('the 95 communes in force today, and 270 communes before the 2025 reform', async () => {
  let r = await c.get('/api/v1/units?level=commune&limit=1000');
  assert.equal(r.status, 200);
  assert.equal(r.body.count, 95);
  const codes = new Set(r.body.units.map((u) => u.code));
  for (const f of communes.features) assert.ok(codes.has(f.properties.code), f.properties.code);
  const bh = r.body.units.find((u) => u.code === '26068');
  assert.equal(bh.name, 'Biên Hoà');
  assert.equal(bh.full_name, 'Phường Biên Hoà');
  assert.equal(bh.parent_code, '75');
  assert.equal(bh.valid_from, '2025-07-01');
  assert.equal(bh.valid_to, '');
  assert.equal(bh.bbox.length, 4);
  r = await c.get('/api/v1/units?level=commune&at=2025-06-30&limit=1000');
  assert.equal(r.body.count, 270);
  r = await c.get('/api/v1/units?level=district&at=2025-06-30');
  assert.equal(r.body.count, 22);
  r = await c.get('/api/v1/units?level=district');
  assert.equal(r.body.count, 0, 'no districts since 1 July 2025');
  r = await c.get('/api/v1/units?level=commune&at=2025-13-01');
  assert.equal(r.status, 400);
  r = await c.get('/api/v1/units?level=county');
  assert.equal(r.status, 400);
});

test('search ignores case, diacritics, đ and tone placement', async () => {
  for (const q of ['bien hoa', 'BIÊN HOÀ', 'Biên Hòa', 'Bie\u0302\u0300n Hoa\u0300', 'bien  hoa']) {
    const r = await c.get('/api/v1/units?q=' + encodeURIComponent(q));
    assert.equal(r.status, 200);
    assert.equal(r.body.units[0]?.code, '26068', `q=${q}`);
  }
  let r = await c.get('/api/v1/units?q=tran%20bien');
  assert.equal(r.body.units[0].name, 'Trấn Biên');
  r = await c.get('/api/v1/units?q=dong%20nai&level=province');
  assert.equal(r.body.units[0].name, 'Đồng Nai');
  r = await c.get('/api/v1/units?q=zzzz-nothing');
  assert.equal(r.body.count, 0);
});

// The list cache must never let one request change what another gets: every URL gets, whatever
// was asked before it, what a fresh server gives it.
test('units list: no request changes what another gets (cache keys are canonical)', async () => {
  const base = '/api/v1/units?level=commune&limit=7';
  const urls = [
    base, `${base}&parent=`, `${base}&parent=75`, `${base}&parent=75%7C7%7C0`, `${base}&parent=%7C`,
    `${base}&q=`, `${base}&q=%20%20`, `${base}&q=%7C`, `${base}&q=bien%7C75`, `${base}&q=bien&parent=75`,
    `${base}&q=bien%7C&parent=75`, `${base}&q=bien&parent=%7C75`,
    '/api/v1/units?q=bien%20hoa', '/api/v1/units?q=BIEN%20HOA', '/api/v1/units?q=Bi%C3%AAn%20Ho%C3%A0',
    '/api/v1/units?q=bie%CC%82n%20hoa%CC%80', '/api/v1/units?level=commune&limit=07',
    `${base}&offset=0`, `${base}&offset=1`, `${base}&at=`, `${base}&at=2025-06-30`,
    '/api/v1/units?level=&limit=7', '/api/v1/units?level=commune', '/api/v1/units?limit=7',
  ];
  const get = async (cl, u) => {
    const r = await cl.get(u);
    return { status: r.status, text: r.text, etag: r.headers.get('etag') };
  };
  const first = {};
  for (const u of urls) first[u] = await get(c, u);
  // the empty parent is refused, never read as "any parent"
  assert.equal(first[`${base}&parent=`].status, 400);
  assert.equal(JSON.parse(first[base].text).count, 7);
  assert.equal(JSON.parse(first[`${base}&parent=75`].text).count, 7);
  // again, in reverse order, on the same server
  for (const u of [...urls].reverse()) assert.deepEqual(await get(c, u), first[u], `again: ${u}`);
  // in reverse order on a fresh server: the same bodies and ETags
  const other = await startDemo();
  try {
    const oc = new Client(other.url);
    for (const u of [...urls].reverse()) assert.deepEqual(await get(oc, u), first[u], `fresh: ${u}`);
  } finally {
    await other.stop();
    other.cleanup();
  }
});

test('a unit with its parent, history and the units it was formed from', async () => {
  let r = await c.get('/api/v1/units/26068');
  assert.equal(r.status, 200);
  assert.equal(r.body.parent.code, '75');
  const pre = r.body.predecessors.map((u) => u.code).sort();
  assert.deepEqual(pre, ['26053', '26059', '26062', '26068']);
  assert.ok(r.body.predecessors.every((u) => u.valid_to === '2025-06-30'));
  assert.match(r.body.succession_note, /Tân Hạnh/);
  assert.ok(r.body.versions.length >= 2, 'code 26068 named an old ward too');
  // the old ward 26068 (Hóa An) went into the new Biên Hoà
  r = await c.get('/api/v1/units/26068?at=2025-06-30');
  assert.equal(r.body.valid_to, '2025-06-30');
  assert.equal(r.body.parent.level, 'district');
  assert.equal(r.body.successors[0].code, '26068');
  assert.equal(r.body.successors[0].valid_from, '2025-07-01');
  r = await c.get('/api/v1/units/99999999');
  assert.equal(r.status, 404);
  // Xã Xuân Hòa: the source matched two of its three predecessors ("?" for Xuân Tâm, of which
  // only the remaining part joined); unmatched names stay in the verbatim note, never invented
  r = await c.get('/api/v1/units/26446');
  assert.deepEqual(r.body.predecessors.map((u) => u.code).sort(), ['26443', '26446']);
  assert.match(r.body.succession_note, /Xuân Tâm \(phần còn lại/);
});

test('lookup: a point inside each of several communes finds that commune', async () => {
  for (const f of communes.features.filter((_, i) => i % 9 === 0)) {
    const pt = interiorPoint(f);
    assert.ok(pt, f.properties.code);
    const r = await c.get(`/api/v1/units/lookup?lat=${pt[1]}&lon=${pt[0]}`);
    assert.equal(r.status, 200, `${f.properties.name}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.commune.code, f.properties.code);
    assert.equal(r.body.province.code, '75');
  }
  let r = await c.get('/api/v1/units/lookup?lat=21.0285&lon=105.8542'); // Hà Nội
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'outside');
  r = await c.get('/api/v1/units/lookup?lat=abc&lon=106');
  assert.equal(r.status, 400);
  r = await c.get('/api/v1/units/lookup?lat=95&lon=106');
  assert.equal(r.status, 400);
  r = await c.get('/api/v1/units/lookup?lon=106');
  assert.equal(r.status, 400);
});

test('units.geojson: valid, complete, simplified on request, read by ogrinfo', async () => {
  const full = await c.get('/api/v1/units.geojson?level=commune');
  assert.equal(full.status, 200);
  assert.match(full.headers.get('content-type'), /application\/geo\+json/);
  assert.equal(full.body.type, 'FeatureCollection');
  assert.equal(full.body.features.length, 95);
  assert.equal(full.body.features[0].id, full.body.features[0].properties.code);
  const small = await c.get('/api/v1/units.geojson?level=commune&simplify=100');
  assert.equal(small.body.features.length, 95);
  assert.ok(small.text.length * 5 < full.text.length, `${small.text.length} vs ${full.text.length}`);
  const prov = await c.get('/api/v1/units.geojson?level=province&simplify=100');
  assert.equal(prov.body.features.length, 1);
  const again = await c.get('/api/v1/units.geojson?level=commune&simplify=100');
  assert.equal(again.text, small.text);
  assert.equal((await c.get('/api/v1/units.geojson?simplify=-1')).status, 400);
  const dir = tempDir();
  const file = path.join(dir, 'communes.geojson');
  writeFileSync(file, small.text);
  const o = spawnSync('ogrinfo', ['-ro', '-so', '-al', file], { encoding: 'utf8' });
  assert.equal(o.status, 0, o.stderr);
  assert.match(o.stdout, /Feature Count: 95/);
});
