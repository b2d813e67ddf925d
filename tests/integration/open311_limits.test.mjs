// The citizen reports' abuse limits ([reports] post_*_per_address, post_*_per_device): a device
// over its burst gets 429 naming device_id with Retry-After, in Open311's error format (JSON and
// XML), and takes nothing from its address; another device of the same address goes on until
// the address's own burst is spent, then 429 for every device; nothing refused is stored.
// Everywhere else the tests turn these limits off (lib.mjs DEMO_ENV): here they are small.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, Client } from './lib.mjs';

let srv, key;
const B = '/open311/v2';
const POINT = { lat: '10.95', long: '106.82' }; // commune 26041

async function post(fmt, params) {
  const r = await fetch(`${srv.url}${B}/requests.${fmt}`, {
    method: 'POST', body: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: r.status, text: await r.text(), retry: r.headers.get('retry-after'), ct: r.headers.get('content-type') };
}
const report = (device) => ({
  api_key: key, service_code: 'rac-thai', ...POINT, 'attribute[loai-rac][]': 'sinh-hoat',
  description: `Rác tồn đọng (dữ liệu thử) ${device}`, device_id: device,
});
async function stored() {
  const r = await fetch(`${srv.url}${B}/requests.json`);
  return (await r.json()).length;
}

before(async () => {
  srv = await startDemo({
    env: {
      IOC_REPORTS_POST_PER_HOUR_PER_ADDRESS: '1', IOC_REPORTS_POST_BURST_PER_ADDRESS: '3',
      IOC_REPORTS_POST_PER_HOUR_PER_DEVICE: '1', IOC_REPORTS_POST_BURST_PER_DEVICE: '2',
    },
  });
  const admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  const k = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:reports'], name: 'limits test' });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  key = k.body.key;
  // the point index is built in the background
  for (let i = 0; i < 300; i++) {
    const r = await fetch(`${srv.url}/api/v1/units/lookup?lat=10.95&lon=106.82`);
    if (r.status === 200) break;
    await new Promise((res) => setTimeout(res, 100));
  }
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a device over its burst, then an address over its own: 429 with Retry-After, nothing stored', async () => {
  assert.equal((await post('json', report('phone-a'))).status, 201);
  assert.equal((await post('json', report('phone-a'))).status, 201);
  let r = await post('json', report('phone-a'));
  assert.equal(r.status, 429, r.text);
  assert.ok(Number(r.retry) >= 1, `Retry-After ${r.retry}`);
  const e = JSON.parse(r.text);
  assert.equal(e.length, 1);
  assert.equal(e[0].code, 429);
  assert.match(e[0].description, /^device_id: .*quá nhiều phản ánh.*too many reports/);
  r = await post('xml', report('phone-a'));
  assert.equal(r.status, 429);
  assert.match(r.ct, /^text\/xml/);
  assert.match(r.text, /<errors><error><code>429<\/code><description>device_id: /);
  // the refused device took nothing from the address: a third report from another device
  assert.equal((await post('json', report('phone-b'))).status, 201);
  // the address has spent its 3: any device, or none, is refused now
  for (const d of ['phone-c', '']) {
    r = await post('json', report(d));
    assert.equal(r.status, 429, r.text);
    assert.match(JSON.parse(r.text)[0].description, /^Địa chỉ này đã gửi quá nhiều phản ánh/);
  }
  assert.equal(await stored(), 3);
});
