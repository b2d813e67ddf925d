// Open311 GeoReport v2 at /open311/v2/ (docs/reports.md): every endpoint in JSON and XML, every
// error path with its status and format, the filters and their defaults, routing (a service's
// agency, a commune's override, the operators' triage queue), idempotent retries, a point
// outside the province refused, and no personal field in any public answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startDemo, Client } from './lib.mjs';

let srv, key, keyOther, keyNoScope;
const B = '/open311/v2';

// ---- a small strict XML reader: the declaration, then one element tree (no attributes, no
// namespace); text escaped with the five entities only. Throws on anything else.
function parseXml(text) {
  const decl = '<?xml version="1.0" encoding="utf-8"?>';
  assert.ok(text.startsWith(decl), `no XML declaration: ${text.slice(0, 60)}`);
  let i = decl.length;
  const skipWs = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const unescape = (s) => {
    assert.ok(!/[<>]/.test(s), `raw < or > in text: ${s}`);
    assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(s), `bad entity in ${s}`);
    return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  };
  const element = () => {
    const m = /^<([a-z_]+)>/.exec(text.slice(i));
    assert.ok(m, `expected an element at ${i}: ${text.slice(i, i + 40)}`);
    i += m[0].length;
    const node = { name: m[1], children: [], text: '' };
    for (;;) {
      if (text.startsWith(`</${node.name}>`, i)) { i += node.name.length + 3; return node; }
      if (text.startsWith('</', i)) assert.fail(`mismatched close at ${i}: ${text.slice(i, i + 30)}`);
      if (text[i] === '<') { node.children.push(element()); continue; }
      const j = text.indexOf('<', i);
      assert.ok(j > i, 'unterminated element');
      node.text += unescape(text.slice(i, j));
      i = j;
    }
  };
  skipWs();
  const root = element();
  skipWs();
  assert.equal(i, text.length, 'text after the root element');
  return root;
}
const kids = (n, name) => n.children.filter((c) => c.name === name);
const kid = (n, name) => { const k = kids(n, name); assert.equal(k.length, 1, `${n.name} has ${k.length} ${name}`); return k[0]; };

async function get(p) {
  const r = await fetch(srv.url + p);
  const text = await r.text();
  const ct = r.headers.get('content-type') || '';
  return { status: r.status, ct, text, headers: r.headers, body: ct.includes('json') ? JSON.parse(text) : text };
}
async function post(p, params, headers = {}) {
  const r = await fetch(srv.url + p, {
    method: 'POST', body: typeof params === 'string' ? params : new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
  const text = await r.text();
  const ct = r.headers.get('content-type') || '';
  return { status: r.status, ct, text, body: ct.includes('json') ? JSON.parse(text) : text };
}
// an Open311 error answer: the status, the format, and a description naming the parameter
function isError(r, status, xml, param) {
  assert.equal(r.status, status, r.text);
  if (xml) {
    assert.match(r.ct, /^text\/xml; charset=utf-8/);
    const root = parseXml(r.text);
    assert.equal(root.name, 'errors');
    const e = kids(root, 'error');
    assert.ok(e.length >= 1);
    assert.equal(kid(e[0], 'code').text, String(status));
    if (param) assert.ok(e.some((x) => kid(x, 'description').text.startsWith(`${param}: `)), r.text);
  } else {
    assert.match(r.ct, /^application\/json; charset=utf-8/);
    assert.ok(Array.isArray(r.body) && r.body.length >= 1, r.text);
    for (const e of r.body) assert.deepEqual(Object.keys(e), ['code', 'description']);
    assert.equal(r.body[0].code, status);
    if (param) assert.ok(r.body.some((e) => e.description.startsWith(`${param}: `)), r.text);
  }
}

// A point inside commune code (a grid over its bbox, checked with the point lookup).
async function pointIn(code) {
  const u = (await get(`/api/v1/units/${code}`)).body;
  const [x0, y0, x1, y1] = u.bbox;
  for (let a = 1; a < 8; a++) for (let b = 1; b < 8; b++) {
    const lat = y0 + (y1 - y0) * a / 8, lon = x0 + (x1 - x0) * b / 8;
    const r = await get(`/api/v1/units/lookup?lat=${lat}&lon=${lon}`);
    if (r.status === 200 && r.body.commune.code === code) return { lat: lat.toFixed(6), long: lon.toFixed(6) };
  }
  throw new Error(`no point found in ${code}`);
}

const TRAN_BIEN = { lat: '10.95', long: '106.82' }; // commune 26041 (overrides for den-duong)
let longKhanh;

before(async () => {
  srv = await startDemo();
  const admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  const mk = async (agency, scopes) => {
    const r = await admin.post('/api/v1/keys', { agency_code: agency, scopes, name: 'open311 test' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.key;
  };
  key = await mk('SO-NNMT', ['write:reports']);
  keyOther = await mk('SO-XD', ['write:reports']);
  keyNoScope = await mk('SO-NNMT', ['read:reports']);
  longKhanh = await pointIn('26080');
});
after(async () => { await srv.stop(); srv.cleanup(); });

const report = (extra = {}) => ({ api_key: key, service_code: 'rac-thai', ...TRAN_BIEN, 'attribute[loai-rac][]': 'sinh-hoat', description: 'Rác tồn đọng (dữ liệu thử)', ...extra });

test('discovery in JSON and XML', async () => {
  const j = await get(`${B}/discovery.json`);
  assert.equal(j.status, 200);
  assert.match(j.ct, /^application\/json; charset=utf-8/);
  for (const k of ['changeset', 'contact', 'key_service', 'endpoints']) assert.ok(k in j.body, k);
  assert.equal(j.body.endpoints[0].specification, 'http://wiki.open311.org/GeoReport_v2');
  assert.deepEqual(j.body.endpoints[0].formats, ['text/xml', 'application/json']);
  assert.match(j.body.changeset, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
  const x = await get(`${B}/discovery.xml`);
  assert.match(x.ct, /^text\/xml; charset=utf-8/);
  const root = parseXml(x.text);
  assert.equal(root.name, 'discovery');
  const ep = kid(kid(root, 'endpoints'), 'endpoint');
  assert.deepEqual(ep.children.map((c) => c.name), ['specification', 'url', 'changeset', 'type', 'formats']);
  assert.deepEqual(kids(kid(ep, 'formats'), 'format').map((f) => f.text), ['text/xml', 'application/json']);
});

test('services: every group, Vietnamese first, English with lang=en, XML alike', async () => {
  const j = await get(`${B}/services.json`);
  assert.equal(j.status, 200);
  assert.ok(Array.isArray(j.body) && j.body.length >= 8);
  const keys = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
  for (const s of j.body) assert.deepEqual(Object.keys(s), keys);
  const groups = new Set(j.body.map((s) => s.group));
  for (const g of ['Giao thông', 'Môi trường', 'Trật tự đô thị', 'Chiếu sáng', 'Cấp thoát nước', 'Cây xanh', 'An ninh trật tự', 'Khác']) assert.ok(groups.has(g), g);
  assert.equal(typeof j.body[0].metadata, 'boolean');
  assert.equal(j.body.find((s) => s.service_code === 'cat-tia-cay').metadata, false);
  const en = await get(`${B}/services.json?lang=en`);
  assert.equal(en.body.find((s) => s.service_code === 'den-duong').service_name, 'Street light out');
  const x = parseXml((await get(`${B}/services.xml`)).text);
  assert.equal(x.name, 'services');
  const svc = kids(x, 'service');
  assert.equal(svc.length, j.body.length);
  assert.deepEqual(svc[0].children.map((c) => c.name), keys);
  assert.equal(kid(svc[0], 'metadata').text, 'true');
});

test('service definitions: every datatype, values, order, in JSON and XML', async () => {
  const seen = new Set();
  for (const s of (await get(`${B}/services.json`)).body) {
    const d = await get(`${B}/services/${s.service_code}.json`);
    assert.equal(d.status, 200);
    assert.equal(d.body.service_code, s.service_code);
    const orders = d.body.attributes.map((a) => a.order);
    assert.equal(new Set(orders).size, orders.length);
    for (const a of d.body.attributes) {
      assert.deepEqual(Object.keys(a), ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description', 'values']);
      assert.equal(typeof a.required, 'boolean');
      seen.add(a.datatype);
      if (a.datatype.endsWith('valuelist')) assert.ok(a.values.length > 0 && a.values.every((v) => v.key && v.name));
      else assert.deepEqual(a.values, []);
    }
  }
  assert.deepEqual([...seen].sort(), ['datetime', 'multivaluelist', 'number', 'singlevaluelist', 'string', 'text']);
  const x = parseXml((await get(`${B}/services/ngap-ung.xml`)).text);
  assert.equal(x.name, 'service_definition');
  assert.equal(kid(x, 'service_code').text, 'ngap-ung');
  const attr = kids(kid(x, 'attributes'), 'attribute');
  assert.equal(attr.length, 2);
  assert.equal(kid(attr[0], 'datatype').text, 'singlevaluelist');
  assert.deepEqual(kids(kid(attr[0], 'values'), 'value').map((v) => kid(v, 'key').text), ['duoi-20', '20-50', 'tren-50']);
  isError(await get(`${B}/services/khong-co.json`), 404, false, 'service_code');
  isError(await get(`${B}/services/khong-co.xml`), 404, true, 'service_code');
  isError(await get(`${B}/services/den-duong.txt`), 404, false);
});

test('unknown resources and jurisdictions: 404 in the format asked', async () => {
  isError(await get(`${B}/nothing.xml`), 404, true);
  isError(await get(`${B}/nothing.json`), 404, false);
  isError(await get(`${B}/services.csv`), 404, false);
  isError(await get(`${B}/services.json?jurisdiction_id=79`), 404, false, 'jurisdiction_id');
  isError(await get(`${B}/services.xml?jurisdiction_id=hanoi.gov.vn`), 404, true, 'jurisdiction_id');
  assert.equal((await get(`${B}/services.json?jurisdiction_id=75`)).status, 200);
  assert.equal((await get(`${B}/services.json?jurisdiction_id=`)).status, 200); // empty = absent
  isError(await get(`${B}/services.json?colour=red`), 400, false, 'colour');
  isError(await post(`${B}/requests.json`, report({ jurisdiction_id: '01' })), 404, false, 'jurisdiction_id');
});

test('the router\'s errors on Open311 paths are Open311 errors too (405 with Allow, JSON or XML)', async () => {
  for (const [p, xml] of [[`${B}/requests.json`, false], [`${B}/services.xml`, true], [`${B}/nothing.json`, false]]) {
    const r = await fetch(srv.url + p, { method: 'DELETE' });
    const text = await r.text();
    isError({ status: r.status, ct: r.headers.get('content-type') || '', text, body: xml ? text : JSON.parse(text) }, 405, xml);
    assert.match(r.headers.get('allow'), /GET/);
    assert.ok(!text.includes('"error":{'), 'not the platform\'s shape');
  }
  // the platform's own paths keep the platform's shape
  const r = await fetch(`${srv.url}/api/v1/units`, { method: 'DELETE' });
  assert.equal(r.status, 405);
  assert.equal((await r.json()).error.code, 'method_not_allowed');
});

test('POST requests: created, routed to the service agency, read back in JSON and XML', async () => {
  const r = await post(`${B}/requests.json`, report());
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(Object.keys(r.body[0]), ['service_request_id', 'service_notice', 'token', 'account_id']);
  const id = r.body[0].service_request_id;
  assert.match(id, /^\d+$/);
  const one = await get(`${B}/requests/${id}.json`);
  assert.equal(one.status, 200);
  assert.equal(one.body.length, 1);
  const q = one.body[0];
  assert.deepEqual(Object.keys(q), ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url']);
  assert.equal(q.status, 'open');
  assert.equal(q.service_code, 'rac-thai');
  assert.equal(q.agency_responsible, 'Sở Nông nghiệp và Môi trường');
  assert.equal(q.lat, 10.95);
  assert.equal(q.long, 106.82);
  assert.match(q.requested_datetime, /\+07:00$/);
  // the deadline is the service's 48 hours
  assert.equal(Date.parse(q.expected_datetime) - Date.parse(q.requested_datetime), 48 * 3600e3);
  const x = parseXml((await get(`${B}/requests/${id}.xml`)).text);
  assert.equal(x.name, 'service_requests');
  const req = kid(x, 'request');
  assert.deepEqual(req.children.map((c) => c.name), Object.keys(q));
  assert.equal(kid(req, 'agency_responsible').text, q.agency_responsible);
  assert.equal(kid(req, 'zipcode').text, '');
  // XML answer of a POST
  const rx = await post(`${B}/requests.xml`, report());
  assert.equal(rx.status, 201);
  const created = kid(parseXml(rx.text), 'request');
  assert.deepEqual(created.children.map((c) => c.name), ['service_request_id', 'service_notice', 'token', 'account_id']);
  // tokens: the id is the token
  const t = await get(`${B}/tokens/${id}.json`);
  assert.deepEqual(t.body, [{ service_request_id: id, token: id }]);
  assert.equal(kid(kid(parseXml((await get(`${B}/tokens/${id}.xml`)).text), 'request'), 'token').text, id);
  isError(await get(`${B}/tokens/zzz.json`), 404, false, 'token');
  isError(await get(`${B}/requests/999999.xml`), 404, true, 'service_request_id');
});

test('routing: a commune override, the default agency elsewhere, triage without an agency', async () => {
  const at = async (code, point, extra = {}) => {
    const r = await post(`${B}/requests.json`, { api_key: key, service_code: code, ...point, ...extra });
    assert.equal(r.status, 201, r.text);
    return (await get(`${B}/requests/${r.body[0].service_request_id}.json`)).body[0];
  };
  assert.equal((await at('den-duong', TRAN_BIEN)).agency_responsible, 'Ủy ban nhân dân Phường Trấn Biên');
  assert.equal((await at('den-duong', longKhanh)).agency_responsible, 'Sở Xây dựng');
  assert.match((await at('cay-nga-do', longKhanh, { 'attribute[can-tro]': 'co' })).agency_responsible, /Long Khánh/);
  const triage = await at('khac', TRAN_BIEN);
  assert.equal(triage.agency_responsible, null);
  // address only: no commune, the service's agency
  const byAddress = await at('den-duong', {}, { address_string: '12 Võ Thị Sáu, Trấn Biên' });
  assert.equal(byAddress.lat, null);
  assert.equal(byAddress.address, '12 Võ Thị Sáu, Trấn Biên');
  assert.equal(byAddress.agency_responsible, 'Sở Xây dựng');
});

test('POST errors: key, service, attributes, location, description, encoding — each named', async () => {
  const noKey = report();
  delete noKey.api_key;
  isError(await post(`${B}/requests.json`, noKey), 403, false, 'api_key');
  isError(await post(`${B}/requests.xml`, noKey), 403, true, 'api_key');
  isError(await post(`${B}/requests.json`, report({ api_key: 'ioc_not_a_key' })), 403, false, 'api_key');
  isError(await post(`${B}/requests.json`, report({ api_key: keyNoScope })), 403, false, 'api_key');
  const noCode = report();
  delete noCode.service_code;
  isError(await post(`${B}/requests.json`, noCode), 400, false, 'service_code');
  isError(await post(`${B}/requests.json`, report({ service_code: 'khong-co' })), 404, false, 'service_code');
  // a required attribute missing, a value not in the list, an unknown attribute: all at once
  const bad = await post(`${B}/requests.json`, { api_key: key, service_code: 'ngap-ung', ...TRAN_BIEN, 'attribute[xe-qua-duoc]': 'co-le', 'attribute[mau]': 'do' });
  isError(bad, 400, false, 'attribute[do-sau]');
  assert.ok(bad.body.some((e) => e.description.startsWith('attribute[xe-qua-duoc]: ')));
  assert.ok(bad.body.some((e) => e.description.startsWith('attribute[mau]: ')));
  isError(await post(`${B}/requests.json`, { api_key: key, service_code: 'duong-hu-hong', ...TRAN_BIEN, 'attribute[kich-thuoc]': 'nho', 'attribute[lan-duong]': 'hai' }), 400, false, 'attribute[lan-duong]');
  isError(await post(`${B}/requests.json`, { api_key: key, service_code: 'gay-roi', ...TRAN_BIEN, 'attribute[thoi-diem]': '2026-03-01 08:00' }), 400, false, 'attribute[thoi-diem]');
  assert.equal((await post(`${B}/requests.json`, { api_key: key, service_code: 'gay-roi', ...TRAN_BIEN, 'attribute[thoi-diem]': '2026-03-01T08:00:00+07:00', 'attribute[so-nguoi]': '12' })).status, 201);
  isError(await post(`${B}/requests.json`, report({ description: 'ả'.repeat(4001) })), 400, false, 'description');
  assert.equal((await post(`${B}/requests.json`, report({ description: 'ả'.repeat(4000) }))).status, 201); // characters, not bytes
  isError(await post(`${B}/requests.json`, report({ lat: '10.95', long: '' })), 400, false, 'long');
  isError(await post(`${B}/requests.json`, report({ lat: '95', long: '106.8' })), 400, false, 'lat');
  const nowhere = report();
  delete nowhere.lat; delete nowhere.long;
  isError(await post(`${B}/requests.json`, nowhere), 400, false, 'lat');
  isError(await post(`${B}/requests.json`, report({ email: 'not an address' })), 400, false, 'email');
  isError(await post(`${B}/requests.json`, report({ colour: 'red' })), 400, false, 'colour');
  // Hà Nội is outside the province
  const out = await post(`${B}/requests.json`, report({ lat: '21.0285', long: '105.8542' }));
  isError(out, 400, false, 'lat');
  assert.match(out.body[0].description, /outside the province/);
  isError(await post(`${B}/requests.xml`, report({ lat: '21.0285', long: '105.8542' })), 400, true, 'lat');
  // encoding: a bad escape, bytes that are not UTF-8, a body that is not a form
  isError(await post(`${B}/requests.json`, `api_key=${key}&service_code=rac-thai&description=50%zz`), 400, false);
  isError(await post(`${B}/requests.json`, `api_key=${key}&service_code=rac-thai&description=%C3%28`), 400, false);
  const json = await fetch(`${srv.url}${B}/requests.json`, { method: 'POST', body: JSON.stringify(report()), headers: { 'content-type': 'application/json' } });
  assert.equal(json.status, 400);
  assert.match((await json.json())[0].description, /x-www-form-urlencoded/);
});

test('form decoding: +, percent escapes, NFD stored as NFC, HTML kept as text', async () => {
  const nfd = 'Hòa'.normalize('NFD');
  const body = `api_key=${encodeURIComponent(key)}&service_code=rac-thai&lat=10.95&long=106.82&attribute%5Bloai-rac%5D%5B%5D=sinh-hoat&attribute[loai-rac][]=xay-dung&description=${encodeURIComponent(`<script>x</script> & ${nfd}`).replace(/%20/g, '+')}`;
  const r = await post(`${B}/requests.json`, body);
  assert.equal(r.status, 201, r.text);
  const q = (await get(`${B}/requests/${r.body[0].service_request_id}.json`)).body[0];
  assert.equal(q.description, '<script>x</script> & Hòa'.normalize('NFC'));
  const x = await get(`${B}/requests/${r.body[0].service_request_id}.xml`);
  assert.ok(x.text.includes('&lt;script&gt;x&lt;/script&gt; &amp; Hòa'));
  assert.equal(kid(kid(parseXml(x.text), 'request'), 'description').text, q.description);
});

test('idempotent retries: the same key answers the first request and stores nothing', async () => {
  const data = path.join(srv.data, 'ioc.db');
  const count = () => Number(spawnSync('sqlite3', [data, 'SELECT count(*) FROM report_requests'], { encoding: 'utf8' }).stdout.trim());
  const before0 = count();
  const first = await post(`${B}/requests.json`, report(), { 'idempotency-key': 'retry-1' });
  assert.equal(first.status, 201);
  const again = await post(`${B}/requests.json`, report(), { 'idempotency-key': 'retry-1' });
  assert.equal(again.status, 201);
  // the same answer, but a fresh token (the first answer's may be what the retry lost): both work
  const noToken = (b) => b.map(({ token, ...x }) => x);
  assert.deepEqual(noToken(again.body), noToken(first.body));
  assert.notEqual(again.body[0].token, first.body[0].token);
  for (const t of [first.body[0].token, again.body[0].token])
    assert.equal((await get(`${B}/tokens/${t}.json`)).body[0].service_request_id, first.body[0].service_request_id);
  const asParam = await post(`${B}/requests.json`, report({ idempotency_key: 'retry-1' }));
  assert.deepEqual(noToken(asParam.body), noToken(first.body));
  assert.equal(count(), before0 + 1);
  // another API key with the same idempotency key is another request
  const other = await post(`${B}/requests.json`, report({ api_key: keyOther }), { 'idempotency-key': 'retry-1' });
  assert.notEqual(other.body[0].service_request_id, first.body[0].service_request_id);
  assert.equal(count(), before0 + 2);
  // one event (received) per stored request, one audit row
  const ev = spawnSync('sqlite3', [data, `SELECT count(*) FROM report_events WHERE request_id = ${first.body[0].service_request_id}`], { encoding: 'utf8' }).stdout.trim();
  assert.equal(ev, '1');
  const admin = new Client(srv.url);
  await admin.login('admin');
  const audit = await admin.get('/api/v1/audit?action=open311.request&limit=1000');
  assert.equal(audit.body.entries.filter((e) => e.target === `report:${first.body[0].service_request_id}`).length, 1);
});

test('personal data never appears in a public answer', async () => {
  const mark = `p${process.pid}`;
  const r = await post(`${B}/requests.json`, report({
    email: `${mark}@example.vn`, phone: '0912345678', first_name: `Ten${mark}`, last_name: `Ho${mark}`,
    device_id: `dev-${mark}`, account_id: `acc-${mark}`,
  }));
  assert.equal(r.status, 201);
  assert.equal(r.body[0].account_id, `acc-${mark}`); // the submitter's own answer carries it (spec)
  const id = r.body[0].service_request_id;
  for (const p of [`/requests/${id}.json`, `/requests/${id}.xml`, '/requests.json', '/requests.xml', `/requests.json?service_request_id=${id}`, `/tokens/${id}.json`]) {
    const a = await get(B + p);
    assert.equal(a.status, 200, p);
    for (const secret of [mark, '0912345678']) assert.ok(!a.text.includes(secret), `${p} carries ${secret}`);
  }
});

test('GET requests: filters, defaults and paging, JSON and XML', async () => {
  const mk = async (code, extra = {}) => (await post(`${B}/requests.json`, { api_key: key, service_code: code, ...TRAN_BIEN, ...extra })).body[0].service_request_id;
  const a = await mk('cat-tia-cay');
  const b = await mk('khac');
  // an old request (100 days ago) and a closed one, written straight into the store
  const data = path.join(srv.data, 'ioc.db');
  const old = Date.now() - 100 * 86400e3;
  const sql = (s) => { const x = spawnSync('sqlite3', ['-cmd', '.timeout 5000', data, s], { encoding: 'utf8' }); assert.equal(x.status, 0, x.stderr); return x.stdout.trim(); };
  sql(`UPDATE report_requests SET requested_ms = ${old}, updated_ms = ${old} WHERE id = ${a}`);
  sql(`UPDATE report_requests SET state = 'resolved' WHERE id = ${b}`);
  const ids = (r) => r.body.map((x) => x.service_request_id);
  const all = await get(`${B}/requests.json`);
  assert.equal(all.status, 200);
  assert.ok(!ids(all).includes(a), 'older than 90 days is outside the default window');
  assert.ok(ids(all).includes(b));
  assert.ok(all.body.length <= 1000);
  // newest first
  const times = all.body.map((x) => Date.parse(x.requested_datetime));
  assert.deepEqual(times, [...times].sort((x, y) => y - x));
  assert.equal(all.body.find((x) => x.service_request_id === b).status, 'closed');
  assert.ok(ids(await get(`${B}/requests.json?status=closed`)).every((i) => i === b));
  assert.ok(!ids(await get(`${B}/requests.json?status=open`)).includes(b));
  assert.ok(ids(await get(`${B}/requests.json?status=open,closed`)).includes(b));
  isError(await get(`${B}/requests.json?status=fixed`), 400, false, 'status');
  // service_request_id overrides every other filter (the old one comes back, whatever the dates)
  const byId = await get(`${B}/requests.json?service_request_id=${a},${b}&status=open&service_code=rac-thai`);
  assert.deepEqual(ids(byId).sort(), [a, b].sort());
  isError(await get(`${B}/requests.json?service_request_id=1,x`), 400, false, 'service_request_id');
  // service_code lists
  const codes = await get(`${B}/requests.json?service_code=khac,rac-thai`);
  assert.ok(codes.body.length > 1 && codes.body.every((x) => ['khac', 'rac-thai'].includes(x.service_code)));
  isError(await get(`${B}/requests.json?service_code=rac-thai,khong-co`), 404, false, 'service_code');
  // dates: the old one inside an explicit window, spans and forms checked
  const iso = (ms) => new Date(ms).toISOString().replace('Z', '+00:00');
  const win = await get(`${B}/requests.json?start_date=${encodeURIComponent(iso(old - 3600e3))}&end_date=${encodeURIComponent(iso(old + 3600e3))}`);
  assert.deepEqual(ids(win), [a]);
  const startOnly = await get(`${B}/requests.json?start_date=${encodeURIComponent(iso(old - 3600e3))}`);
  assert.ok(ids(startOnly).includes(a) && !ids(startOnly).includes(b), 'start_date alone covers the next 90 days');
  isError(await get(`${B}/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z`), 400, false, 'end_date');
  isError(await get(`${B}/requests.json?start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z`), 400, false, 'start_date');
  isError(await get(`${B}/requests.json?start_date=2026-03-01`), 400, false, 'start_date');
  isError(await get(`${B}/requests.xml?end_date=yesterday`), 400, true, 'end_date');
  // paging
  const p1 = await get(`${B}/requests.json?page_size=2`);
  const p2 = await get(`${B}/requests.json?page_size=2&page=2`);
  assert.equal(p1.body.length, 2);
  assert.deepEqual([...ids(p1), ...ids(p2)], ids(all).slice(0, 2 + p2.body.length));
  isError(await get(`${B}/requests.json?page_size=1001`), 400, false, 'page_size');
  isError(await get(`${B}/requests.json?page=0`), 400, false, 'page');
  // XML: one request element per request, in the same order
  const x = parseXml((await get(`${B}/requests.xml`)).text);
  assert.deepEqual(kids(x, 'request').map((r) => kid(r, 'service_request_id').text), ids(all));
  assert.equal(x.children.length, kids(x, 'request').length);
});
