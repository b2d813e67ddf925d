// The citizen reports' workflow (docs/reports.md "The workflow"): the life of a report through
// the staff's API and the citizen's Open311 extensions, forbidden transitions (409 naming
// from and to), agency isolation on every route, internal notes never public, the citizen's
// token (reopen inside and outside the window, rating once), nearby duplicates (30 m and 80 m),
// merge, and a transition's 200 surviving kill -9.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startDemo, waitForIndex, Client } from './lib.mjs';

let srv, key;
const as = {};
const B = '/open311/v2';
const BASE = { lat: 10.951, long: 106.821 }; // commune 26041, Trấn Biên (synthetic reports)
const M_LAT = 1 / 111195; // degrees of latitude per metre

async function form(url, p, params) {
  const r = await fetch(url + p, {
    method: 'POST', body: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const text = await r.text();
  return { status: r.status, text, body: (r.headers.get('content-type') || '').includes('json') ? JSON.parse(text) : text };
}
// a new report of service at (lat, long); answers the POST's first element
async function file(service, { lat = BASE.lat, long = BASE.long, extra = {}, url = srv.url } = {}) {
  const attrs = service === 'rac-thai' ? { 'attribute[loai-rac][]': 'sinh-hoat' } : {};
  const r = await form(url, `${B}/requests.json`, {
    api_key: key, service_code: service, lat: String(lat), long: String(long),
    description: `Phản ánh thử ${service} (dữ liệu mẫu)`, email: 'dan@example.vn', phone: '0901234567', ...attrs, ...extra,
  });
  assert.equal(r.status, 201, r.text);
  return r.body[0];
}
const move = (who, id, body) => as[who].post(`/api/v1/reports/${id}/transition`, body);

before(async () => {
  srv = await startDemo();
  as.admin = new Client(srv.url);
  assert.equal((await as.admin.login('admin')).status, 200);
  let r = await as.admin.post('/api/v1/users', { username: 'xdstaff', role: 'staff', agency_code: 'SO-XD', password: 'xdstaff-pass-123' });
  assert.equal(r.status, 201, r.text);
  for (const u of ['staff', 'operator', 'leader']) {
    as[u] = new Client(srv.url);
    assert.equal((await as[u].login(u)).status, 200, u);
  }
  as.xd = new Client(srv.url);
  assert.equal((await as.xd.login('xdstaff', 'xdstaff-pass-123')).status, 200);
  r = await as.admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:reports'], name: 'workflow test' });
  assert.equal(r.status, 201);
  key = r.body.key;
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('the life of a report: received → assigned → in_progress → resolved, rated once, closed', async () => {
  const p = await file('rac-thai');
  assert.match(p.token, /^[0-9a-f]{64}$/);
  const id = p.service_request_id;
  // the token finds the request; the token is stored hashed, never in a public answer
  const t = await (await fetch(`${srv.url}${B}/tokens/${p.token}.json`)).json();
  assert.equal(t[0].service_request_id, id);
  let r = await move('staff', id, { to: 'assigned', note: 'Đã nhận, giao đội thu gom', public: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.state, 'assigned');
  r = await move('staff', id, { to: 'in_progress' });
  assert.equal(r.status, 200);
  // rating before the answer: 409
  const early = await form(srv.url, `${B}/requests/${id}/rating.json`, { token: p.token, rating: '5' });
  assert.equal(early.status, 409, early.text);
  r = await move('staff', id, { to: 'resolved', note: 'Đã thu gom xong', public: true });
  assert.equal(r.status, 200);
  // the history: who, from → to, the notes
  const one = await as.staff.get(`/api/v1/reports/${id}`);
  assert.deepEqual(one.body.events.map((e) => [e.from, e.to]), [[null, 'received'], ['received', 'assigned'], ['assigned', 'in_progress'], ['in_progress', 'resolved']]);
  assert.ok(one.body.events.slice(1).every((e) => e.who === 'staff' && e.at));
  assert.equal(one.body.reporter.email, 'dan@example.vn');
  // Open311: closed, status_notes the latest public note, detailed status with extensions
  const o = await (await fetch(`${srv.url}${B}/requests/${id}.json?extensions=true`)).json();
  assert.equal(o[0].status, 'closed');
  assert.equal(o[0].status_notes, 'Đã thu gom xong');
  assert.equal(o[0].extended_attributes.detailed_status, 'resolved');
  assert.deepEqual(o[0].extended_attributes.notes.map((n) => n.text), ['Đã nhận, giao đội thu gom', 'Đã thu gom xong']);
  // rating: a wrong token 403, a bad value 400, once 200, twice 409
  assert.equal((await form(srv.url, `${B}/requests/${id}/rating.json`, { token: 'f'.repeat(64), rating: '4' })).status, 403);
  assert.equal((await form(srv.url, `${B}/requests/${id}/rating.xml`, { token: p.token, rating: '6' })).status, 400);
  const rated = await form(srv.url, `${B}/requests/${id}/rating.json`, { token: p.token, rating: '4', comment: 'Nhanh, sạch' });
  assert.equal(rated.status, 200, rated.text);
  const again = await form(srv.url, `${B}/requests/${id}/rating.json`, { token: p.token, rating: '1' });
  assert.equal(again.status, 409);
  assert.match(again.body[0].description, /^rating: /);
  const after1 = await as.operator.get(`/api/v1/reports/${id}`);
  assert.equal(after1.body.rating, 4);
  assert.equal(after1.body.rating_comment, 'Nhanh, sạch');
  r = await move('operator', id, { to: 'closed' });
  assert.equal(r.status, 200);
  // closed is the end for staff: 409 naming from and to
  r = await move('admin', id, { to: 'in_progress' });
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /from closed to in_progress/);
  // writes are audited
  const a = await as.admin.get('/api/v1/audit?action=report.transition&limit=100');
  assert.ok(a.body.entries.filter((e) => e.target === `report:${id}`).length >= 4);
});

test('forbidden transitions answer 409 naming from and to; a rejection needs its reason, a duplicate its original', async () => {
  const { service_request_id: id } = await file('rac-thai');
  let r = await move('staff', id, { to: 'closed' });
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /from received to closed/);
  r = await move('staff', id, { to: 'received' });
  assert.equal(r.status, 409);
  r = await move('staff', id, { to: 'flying' });
  assert.equal(r.status, 422);
  r = await move('staff', id, { to: 'rejected' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'note');
  r = await move('staff', id, { to: 'duplicate' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'duplicate_of');
  r = await move('staff', id, { to: 'rejected', note: 'Không thuộc thẩm quyền', public: true });
  assert.equal(r.status, 200);
  r = await move('staff', id, { to: 'resolved' });
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /from rejected to resolved/);
});

test('agency isolation: another agency\'s staff can neither read nor act; leaders read only; reassigning is for operators', async () => {
  const { service_request_id: id } = await file('rac-thai'); // SO-NNMT's
  const denied = [
    await as.xd.get(`/api/v1/reports/${id}`),
    await move('xd', id, { to: 'assigned' }),
    await as.xd.post(`/api/v1/reports/${id}/notes`, { note: 'x' }),
    await as.xd.post(`/api/v1/reports/${id}/merge`, { into: 1 }),
    await move('leader', id, { to: 'assigned' }),
    await as.leader.post(`/api/v1/reports/${id}/notes`, { note: 'x' }),
  ];
  assert.deepEqual(denied.map((r) => r.status), [403, 403, 403, 403, 403, 403]);
  // the list: staff see their agency's only, even when asking for another
  const xdList = await as.xd.get('/api/v1/reports?page_size=500');
  assert.equal(xdList.status, 200);
  assert.ok(xdList.body.reports.every((x) => x.agency_code === 'SO-XD'));
  assert.ok(!xdList.body.reports.some((x) => String(x.id) === id));
  const asked = await as.xd.get('/api/v1/reports?agency=SO-NNMT');
  assert.equal(asked.body.total, 0);
  const lead = await as.leader.get(`/api/v1/reports/${id}`);
  assert.equal(lead.status, 200);
  assert.equal(lead.body.reporter, undefined, 'leaders do not see personal fields');
  // staff cannot send it elsewhere; an operator can, and then the other agency owns it
  let r = await move('staff', id, { to: 'assigned', agency: 'SO-XD' });
  assert.equal(r.status, 403);
  r = await move('operator', id, { to: 'assigned', agency: 'SO-XD', note: 'Chuyển Sở Xây dựng' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.agency_code, 'SO-XD');
  assert.equal(r.body.events.at(-1).kind, 'reassign');
  assert.equal(r.body.events.at(-1).detail, 'SO-NNMT>SO-XD');
  assert.equal((await as.staff.get(`/api/v1/reports/${id}`)).status, 403);
  const mine = await as.xd.get(`/api/v1/reports/${id}`);
  assert.equal(mine.status, 200);
  assert.equal(mine.body.reporter.phone, '0901234567');
});

test('internal notes never reach a public answer', async () => {
  const { service_request_id: id } = await file('rac-thai');
  const secret = 'Ghi chú nội bộ: nhà thầu chậm';
  let r = await as.staff.post(`/api/v1/reports/${id}/notes`, { note: secret });
  assert.equal(r.status, 200);
  r = await as.staff.post(`/api/v1/reports/${id}/notes`, { note: 'Đang xử lý', public: true });
  assert.equal(r.status, 200);
  assert.ok(r.body.events.some((e) => e.note === secret && e.public === false));
  for (const p of [`${B}/requests/${id}.json?extensions=true`, `${B}/requests/${id}.xml?extensions=true`,
    `${B}/requests.json?extensions=true&service_request_id=${id}`, `${B}/requests.xml?extensions=true`]) {
    const text = await (await fetch(srv.url + p)).text();
    assert.ok(!text.includes('nhà thầu chậm'), p);
    assert.ok(text.includes('Đang xử lý'), p);
  }
});

test('the list filters by state, service, commune, agency, overdue and folded text, paged', async () => {
  const { service_request_id: id } = await file('o-nhiem', { lat: BASE.lat + 0.01, extra: { description: 'Khói bụi từ Lò Gạch Hòa Bình' } });
  let r = await as.operator.get('/api/v1/reports?q=lo%20gach%20hoa%20binh');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.reports.map((x) => String(x.id)), [id]);
  r = await as.operator.get(`/api/v1/reports?q=LÒ%20GẠCH&service=o-nhiem&state=received&agency=SO-NNMT&commune=${r.body.reports[0].unit_code}`);
  assert.deepEqual(r.body.reports.map((x) => String(x.id)), [id]);
  r = await as.operator.get('/api/v1/reports?q=lo%20gach&state=resolved');
  assert.equal(r.body.total, 0);
  r = await as.operator.get('/api/v1/reports?page_size=1&page=2');
  assert.equal(r.body.count, 1);
  assert.ok(r.body.total >= 2);
  // nothing is overdue yet (deadlines are days away); overdue=true filters on it
  r = await as.operator.get('/api/v1/reports?overdue=true');
  assert.equal(r.status, 200);
  assert.ok(r.body.reports.every((x) => x.overdue === true));
  assert.equal((await as.operator.get('/api/v1/reports?state=nope')).status, 400);
  assert.equal((await as.operator.get('/api/v1/reports?overdue=maybe')).status, 400);
  assert.equal((await new Client(srv.url).get('/api/v1/reports')).status, 401);
});

test('nearby duplicates on submission: 30 m away suggested, 80 m away not; merge links both', async () => {
  const at = { lat: BASE.lat - 0.01, long: BASE.long };
  const first = await file('o-nhiem', at);
  const far = await file('o-nhiem', { ...at, lat: at.lat + 80 * M_LAT });
  const near = await file('o-nhiem', { ...at, lat: at.lat + 30 * M_LAT, extra: { extensions: 'true' } });
  const ids = near.extended_attributes.nearby.map((x) => x.service_request_id);
  assert.ok(ids.includes(first.service_request_id), JSON.stringify(near));
  assert.ok(!ids.includes(far.service_request_id), 'an 80 m neighbour is not suggested');
  const d = near.extended_attributes.nearby.find((x) => x.service_request_id === first.service_request_id).distance_m;
  assert.ok(d >= 28 && d <= 32, `distance ${d}`);
  assert.match(near.service_notice, new RegExp(`#${first.service_request_id}`));
  assert.equal(far.extended_attributes, undefined, 'without extensions=true no extended_attributes');
  // another service at the same place is not a duplicate
  const other = await file('rac-thai', { ...at, extra: { extensions: 'true' } });
  assert.deepEqual(other.extended_attributes.nearby, []);
  // merge: the new one becomes a duplicate of the first; an event on both
  const m = await as.staff.post(`/api/v1/reports/${near.service_request_id}/merge`, { into: Number(first.service_request_id) });
  assert.equal(m.status, 200, m.text);
  assert.equal(m.body.state, 'duplicate');
  assert.equal(String(m.body.duplicate_of), first.service_request_id);
  const kept = await as.staff.get(`/api/v1/reports/${first.service_request_id}`);
  assert.equal(kept.body.events.at(-1).kind, 'merge');
  assert.equal(kept.body.events.at(-1).detail, `from:${near.service_request_id}`);
  const pub = await (await fetch(`${srv.url}${B}/requests/${near.service_request_id}.json?extensions=true`)).json();
  assert.equal(pub[0].extended_attributes.duplicate_of, first.service_request_id);
  // a merged report is no longer an open neighbour; merging into itself or a duplicate is refused
  assert.equal((await as.staff.post(`/api/v1/reports/${first.service_request_id}/merge`, { into: Number(first.service_request_id) })).status, 422);
  assert.equal((await as.staff.post(`/api/v1/reports/${far.service_request_id}/merge`, { into: Number(near.service_request_id) })).status, 422);
});

test('reopen inside the window; the token is needed; kill -9 after a 200 keeps the transition; outside the window refused', async () => {
  const p = await file('rac-thai', { lat: BASE.lat + 0.005 });
  const id = p.service_request_id;
  assert.equal((await move('staff', id, { to: 'resolved', note: 'Xong', public: true })).status, 200);
  assert.equal((await form(srv.url, `${B}/requests/${id}/reopen.json`, { token: 'a'.repeat(64) })).status, 403);
  assert.equal((await form(srv.url, `${B}/requests/${id}/reopen.json`, {})).status, 403);
  const ro = await form(srv.url, `${B}/requests/${id}/reopen.json`, { token: p.token, description: 'Rác lại đầy' });
  assert.equal(ro.status, 200, ro.text);
  assert.equal(ro.body[0].status, 'open');
  assert.equal(ro.body[0].extended_attributes.detailed_status, 'assigned');
  // a report not yet answered cannot be reopened
  assert.equal((await form(srv.url, `${B}/requests/${id}/reopen.xml`, { token: p.token })).status, 409);
  const r = await move('staff', id, { to: 'resolved', note: 'Xong lần hai', public: true });
  assert.equal(r.status, 200);
  // kill -9 right after the 200, restart with a window of 0 days
  await srv.kill9();
  const again = await startServer({ data: srv.data, env: { IOC_REPORTS_REOPEN_DAYS: '0' } });
  srv = Object.assign(again, { cleanup: again.cleanup });
  await waitForIndex(srv.url);
  const o = await (await fetch(`${srv.url}${B}/requests/${id}.json?extensions=true`)).json();
  assert.equal(o[0].extended_attributes.detailed_status, 'resolved');
  assert.equal(o[0].status_notes, 'Xong lần hai');
  const late = await form(srv.url, `${B}/requests/${id}/reopen.json`, { token: p.token });
  assert.equal(late.status, 409, late.text);
  assert.match(late.body[0].description, /0 days/);
});
