// Photos in citizen reports (docs/reports.md "Photos"): POST /open311/v2/requests.json as
// multipart/form-data with media parts; the photo's EXIF GPS position used when no lat/long is
// given (and said in service_notice); media_url and, with extensions, media_urls; the photos
// served at /media/{hash}.jpg and _thumb.jpg, immutable, without their metadata; the same photo
// stored once; every photo of a report linked to it (media_urls in the GETs with extensions, media
// in the staff's API, kept once on a retry); a GIF named .jpg, too many photos and stray file
// parts refused. The images are
// made here: a small JPEG (made once with libvips, below) with an EXIF block built by hand
// (orientation 6, GPS 10°57'N 106°49'12"E, a camera make), and a PNG encoded here. Photos are
// in backups (FILE.media) and restores. The URLs never carry the request's Host: they start
// with [reports] media_base_url when it is set, else they are the paths /media/<hash>.jpg.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { startDemo, Client, iocctl, tempDir } from './lib.mjs';

let srv, key, admin;
const B = '/open311/v2';

// a 40×20 grey baseline JPEG without metadata (libvips, Q 50)
const BASE_JPEG = Buffer.from('/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAUACgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDFooooAKKKKACiiigAooooAKKKKACiiigD/9k=', 'base64');

// An EXIF APP1 segment (little-endian TIFF): IFD0 {Orientation, Make, GPS pointer}, GPS IFD
// {LatitudeRef, Latitude, LongitudeRef, Longitude}.
function exifApp1([latD, latM, latS], [lonD, lonM, lonS]) {
  const t = Buffer.alloc(200);
  t.write('II', 0); t.writeUInt16LE(42, 2); t.writeUInt32LE(8, 4);
  const entry = (at, tag, type, count, value) => {
    t.writeUInt16LE(tag, at); t.writeUInt16LE(type, at + 2); t.writeUInt32LE(count, at + 4);
    if (typeof value === 'string') t.write(value, at + 8, 'latin1'); else if (type === 3) t.writeUInt16LE(value, at + 8); else t.writeUInt32LE(value, at + 8);
  };
  // IFD0 at 8: 3 entries → 2 + 36 + 4 = 42 bytes, ends at 50; Make text at 50 (12 bytes)
  t.writeUInt16LE(3, 8);
  entry(10, 0x010f, 2, 12, 62);          // Make → offset 62 (after the GPS pointer fix below)
  entry(22, 0x0112, 3, 1, 6);            // Orientation 6
  entry(34, 0x8825, 4, 1, 74);           // GPS IFD at 74
  t.writeUInt32LE(0, 46);
  t.write('SecretCam42\0', 62, 'latin1');
  // GPS IFD at 74: 4 entries → 2 + 48 + 4 = 54 bytes, ends at 128; rationals at 128 and 152
  t.writeUInt16LE(4, 74);
  entry(76, 1, 2, 2, 'N\0');
  entry(88, 2, 5, 3, 128);
  entry(100, 3, 2, 2, 'E\0');
  entry(112, 4, 5, 3, 152);
  t.writeUInt32LE(0, 124);
  [latD, latM, latS, lonD, lonM, lonS].forEach((v, i) => { t.writeUInt32LE(v, 128 + 8 * i); t.writeUInt32LE(1, 132 + 8 * i); });
  const tiff = t.subarray(0, 176);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}
const jpegWithGps = (lat, lon) => Buffer.concat([BASE_JPEG.subarray(0, 2), exifApp1(lat, lon), BASE_JPEG.subarray(2)]);

// A w×h RGB PNG of one colour.
function png(w, h, rgb) {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(rgb, y * (w * 3 + 1) + 1 + x * 3);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// A multipart/form-data body: fields [name, value] or [name, {filename, type, data}].
function multipart(fields, boundary = 'ioc-test-boundary-7MA4YWxk') {
  const parts = [];
  for (const [name, v] of fields) {
    if (typeof v === 'string') {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v}\r\n`));
    } else {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${v.filename}"\r\nContent-Type: ${v.type || 'image/jpeg'}\r\n\r\n`));
      parts.push(v.data, Buffer.from('\r\n'));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

async function postMp(fields, query = '', headers = {}) {
  const { body, type } = multipart(fields);
  const r = await fetch(`${srv.url}${B}/requests.json${query}`, { method: 'POST', body, headers: { 'content-type': type, ...headers } });
  const text = await r.text();
  return { status: r.status, text, body: JSON.parse(text) };
}
const base = () => [['api_key', key], ['service_code', 'rac-thai'], ['attribute[loai-rac][]', 'sinh-hoat'], ['description', 'Rác có ảnh (dữ liệu thử)']];
const GPS = [[10, 57, 0], [106, 49, 12]]; // 10.95, 106.82: commune 26041 of the demo province

before(async () => {
  srv = await startDemo();
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  const r = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:reports'], name: 'media test' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  key = r.body.key;
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('a photo with GPS and no lat/long: the position is used, the photo served stripped', async () => {
  const jpg = jpegWithGps(...GPS);
  assert.ok(jpg.includes('SecretCam42') && jpg.includes('Exif'));
  const r = await postMp([...base(), ['media', { filename: 'IMG_0001.JPG', data: jpg }]]);
  assert.equal(r.status, 201, r.text);
  const a = r.body[0];
  assert.match(a.service_notice, /GPS của ảnh \(10\.950000, 106\.820000\)/);
  const m = /^\/media\/([0-9a-f]{64})\.jpg$/.exec(a.media_url); // no media_base_url: the path
  assert.ok(m, a.media_url);
  assert.equal(a.media_urls, undefined); // only with extensions
  const got = await (await fetch(`${srv.url}${B}/requests/${a.service_request_id}.json`)).json();
  assert.ok(Math.abs(got[0].lat - 10.95) < 1e-6 && Math.abs(got[0].long - 106.82) < 1e-6, JSON.stringify(got[0]));
  assert.equal(got[0].media_url, a.media_url);

  const p = await fetch(`${srv.url}/media/${m[1]}.jpg`);
  assert.equal(p.status, 200);
  assert.equal(p.headers.get('content-type'), 'image/jpeg');
  assert.match(p.headers.get('cache-control'), /immutable/);
  assert.equal(p.headers.get('etag'), `"${m[1]}"`);
  const bytes = Buffer.from(await p.arrayBuffer());
  assert.equal(bytes[0], 0xff); assert.equal(bytes[1], 0xd8);
  assert.ok(!bytes.includes('Exif') && !bytes.includes('SecretCam42') && !bytes.includes(Buffer.from([0xff, 0xe1])));
  // the stored photo's name is the sha256 of its bytes
  const { createHash } = await import('node:crypto');
  assert.equal(createHash('sha256').update(bytes).digest('hex'), m[1]);
  // upright: orientation 6 turned 40×20 into 20×40 (SOF0 height, width)
  const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
  assert.ok(sof > 0);
  assert.deepEqual([bytes.readUInt16BE(sof + 5), bytes.readUInt16BE(sof + 7)], [40, 20]);
  const t = await fetch(`${srv.url}/media/${m[1]}_thumb.jpg`);
  assert.equal(t.status, 200);
  assert.ok(!Buffer.from(await t.arrayBuffer()).includes('Exif'));
  const again = await fetch(`${srv.url}/media/${m[1]}.jpg`, { headers: { 'if-none-match': `"${m[1]}"` } });
  assert.equal(again.status, 304);

  // the same photo again: the same URL (stored once)
  const r2 = await postMp([...base(), ['lat', '10.95'], ['long', '106.82'], ['media', { filename: 'copy.jpg', data: jpg }]]);
  assert.equal(r2.status, 201, r2.text);
  assert.equal(r2.body[0].media_url, a.media_url);
  assert.doesNotMatch(r2.body[0].service_notice, /GPS/); // lat/long given: the photo's is not used
});

test('two photos with extensions: media_urls; a PNG named .jpg is taken as the PNG it is', async () => {
  const r = await postMp([...base(), ['lat', '10.95'], ['long', '106.82'],
    ['media[]', { filename: 'a.jpg', data: BASE_JPEG }], ['media[]', { filename: 'b.jpg', data: png(30, 10, [200, 30, 30]) }]], '?extensions=true');
  assert.equal(r.status, 201, r.text);
  const a = r.body[0];
  assert.equal(a.media_urls.length, 2);
  assert.equal(a.media_urls[0], a.media_url);
  assert.notEqual(a.media_urls[0], a.media_urls[1]);
  for (const u of a.media_urls) {
    const p = await fetch(srv.url + u);
    assert.equal(p.status, 200);
    assert.equal(p.headers.get('content-type'), 'image/jpeg');
  }
});

test('three photos are linked to the report in order: the GETs list them, a retry keeps three', async () => {
  const photos = [[250, 0, 0], [0, 250, 0], [0, 0, 250]].map((c, i) => ['media[]', { filename: `p${i}.png`, data: png(16 + i, 8, c) }]);
  const fields = [...base(), ['lat', '10.95'], ['long', '106.82'], ...photos];
  const idem = { 'idempotency-key': 'media-three-1' };
  const r = await postMp(fields, '?extensions=true', idem);
  assert.equal(r.status, 201, r.text);
  const a = r.body[0];
  assert.equal(a.media_urls.length, 3);
  assert.equal(new Set(a.media_urls).size, 3);
  const id = a.service_request_id;

  // GET one with extensions: every photo, in the POST's order, each fetchable
  const one = await (await fetch(`${srv.url}${B}/requests/${id}.json?extensions=true`)).json();
  assert.deepEqual(one[0].extended_attributes.media_urls, a.media_urls);
  assert.equal(one[0].media_url, a.media_urls[0]);
  for (const [i, u] of one[0].extended_attributes.media_urls.entries()) {
    assert.match(u, /^\/media\/[0-9a-f]{64}\.jpg$/);
    const p = await fetch(srv.url + u);
    assert.equal(p.status, 200, u);
    const bytes = Buffer.from(await p.arrayBuffer());
    const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
    assert.equal(bytes.readUInt16BE(sof + 7), 16 + i); // the i-th photo's width: the order kept
  }
  // without extensions: only media_url
  const plain = await (await fetch(`${srv.url}${B}/requests/${id}.json`)).json();
  assert.equal(plain[0].media_url, a.media_urls[0]);
  assert.equal(plain[0].extended_attributes, undefined);
  assert.ok(!JSON.stringify(plain).includes(a.media_urls[1]));
  // GET requests with extensions lists them too; XML names each item media_url
  const list = await (await fetch(`${srv.url}${B}/requests.json?service_request_id=${id}&extensions=true`)).json();
  assert.deepEqual(list[0].extended_attributes.media_urls, a.media_urls);
  const xml = await (await fetch(`${srv.url}${B}/requests/${id}.xml?extensions=true`)).text();
  assert.match(xml, /<media_urls><media_url>\/media\/[^<]+<\/media_url><media_url>/);
  // a report without photos: an empty list
  const none = await postMp([...base(), ['lat', '10.95'], ['long', '106.82']], '?extensions=true');
  assert.equal(none.status, 201, none.text);
  const n1 = await (await fetch(`${srv.url}${B}/requests/${none.body[0].service_request_id}.json?extensions=true`)).json();
  assert.deepEqual(n1[0].extended_attributes.media_urls, []);

  // the staff's API: media with urls and thumbnails, each served
  const staff = await admin.get(`/api/v1/reports/${id}`);
  assert.equal(staff.status, 200, JSON.stringify(staff.body));
  assert.equal(staff.body.media.length, 3);
  staff.body.media.forEach((m, i) => {
    assert.equal(m.url, a.media_urls[i]);
    assert.equal(m.thumbnail_url, m.url.replace('.jpg', '_thumb.jpg'));
  });
  for (const m of staff.body.media) assert.equal((await fetch(srv.url + m.thumbnail_url)).status, 200);

  // a retry with the same Idempotency-Key: the same report, still three photos
  const again = await postMp(fields, '?extensions=true', idem);
  assert.equal(again.status, 201, again.text);
  assert.equal(again.body[0].service_request_id, id);
  const after2 = await (await fetch(`${srv.url}${B}/requests/${id}.json?extensions=true`)).json();
  assert.deepEqual(after2[0].extended_attributes.media_urls, a.media_urls);
  assert.equal((await admin.get(`/api/v1/reports/${id}`)).body.media.length, 3);
});

test('refused: a GIF named .jpg, too many photos, a stray file part, a truncated body', async () => {
  const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;', 'latin1');
  let r = await postMp([...base(), ['lat', '10.95'], ['long', '106.82'], ['media', { filename: 'anh-ho.jpg', data: gif }]]);
  assert.equal(r.status, 400, r.text);
  assert.match(r.body[0].description, /^media: .*anh-ho\.jpg/);
  const six = Array.from({ length: 6 }, (_, i) => ['media', { filename: `p${i}.png`, data: png(4, 4, [i * 40, 0, 0]) }]);
  r = await postMp([...base(), ['lat', '10.95'], ['long', '106.82'], ...six]);
  assert.equal(r.status, 413, r.text);
  r = await postMp([...base(), ['lat', '10.95'], ['long', '106.82'], ['attachment', { filename: 'x.jpg', data: BASE_JPEG }]]);
  assert.equal(r.status, 400, r.text);
  assert.match(r.body[0].description, /^attachment: /);
  const { body, type } = multipart([...base(), ['lat', '10.95'], ['long', '106.82']]);
  const cut = await fetch(`${srv.url}${B}/requests.json`, { method: 'POST', body: body.subarray(0, body.length - 12), headers: { 'content-type': type } });
  assert.equal(cut.status, 400);
  assert.match(JSON.parse(await cut.text())[0].description, /truncated/);
  // nothing else is served under /media/
  assert.equal((await fetch(`${srv.url}/media/${'0'.repeat(64)}.jpg`)).status, 404);
  assert.equal((await fetch(`${srv.url}/media/${'A'.repeat(64)}.jpg`)).status, 404);
  assert.equal((await fetch(`${srv.url}/media/x.png`)).status, 404);
});

test('photos are in the backup (FILE.media) and come back with a restore', async () => {
  const r = await postMp([...base(), ['lat', '10.95'], ['long', '106.82'], ['media', { filename: 'bk.png', data: png(12, 6, [10, 200, 10]) }]]);
  assert.equal(r.status, 201, r.text);
  const name = r.body[0].media_url.slice('/media/'.length);
  const dir = tempDir('ioc-media-bk-');
  try {
    const file = path.join(dir, 'b.db');
    let b = iocctl(srv.data, ['backup', file]);
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /^photos: \d+ files, \d+ bytes copied to /m);
    const copied = readdirSync(`${file}.media`);
    assert.ok(copied.includes(name) && copied.includes(name.replace('.jpg', '_thumb.jpg')), copied.join(' '));
    for (const f of copied) assert.match(f, /^[0-9a-f]{64}(_thumb)?\.jpg$/);
    const fresh = path.join(dir, 'restored');
    const rs = iocctl(fresh, ['restore', file]);
    assert.equal(rs.status, 0, rs.stderr);
    assert.deepEqual(readFileSync(path.join(fresh, 'media', name)), readFileSync(path.join(srv.data, 'media', name)));
    assert.deepEqual(readdirSync(path.join(fresh, 'media')).sort(), copied.sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A request with a Host header of our choosing (fetch keeps its own): status, text.
function withHost(url, host, { method = 'GET', body, type } = {}) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const headers = { host };
    if (body) Object.assign(headers, { 'content-type': type, 'content-length': body.length });
    const req = http.request({ hostname: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('a forged Host never appears in a photo URL: without media_base_url the URLs are paths', async () => {
  const { body, type } = multipart([...base(), ['lat', '10.95'], ['long', '106.82'], ['media', { filename: 'h.png', data: png(7, 5, [1, 2, 3]) }], ['media', { filename: 'h2.png', data: png(5, 7, [3, 2, 1]) }]]);
  const r = await withHost(`${srv.url}${B}/requests.json?extensions=true`, 'evil.example', { method: 'POST', body, type });
  assert.equal(r.status, 201, r.text);
  assert.ok(!r.text.includes('evil'), r.text);
  const a = JSON.parse(r.text)[0];
  assert.match(a.media_url, /^\/media\/[0-9a-f]{64}\.jpg$/);
  assert.equal(a.media_urls.length, 2);
  for (const u of a.media_urls) assert.match(u, /^\/media\/[0-9a-f]{64}\.jpg$/);
  // stored as the path; the GETs with the forged Host answer paths too
  for (const q of [`/requests/${a.service_request_id}.json?extensions=true`, `/requests.json?extensions=true&service_request_id=${a.service_request_id}`]) {
    const g = await withHost(`${srv.url}${B}${q}`, 'evil.example');
    assert.equal(g.status, 200, g.text);
    assert.ok(!g.text.includes('evil'), g.text);
    const one = JSON.parse(g.text)[0];
    assert.equal(one.media_url, a.media_url);
    assert.deepEqual(one.extended_attributes.media_urls, a.media_urls);
  }
  // even the plain fetch (a loopback Host) reads the stored path as it was stored
  const plain = await (await fetch(`${srv.url}${B}/requests/${a.service_request_id}.json`)).json();
  assert.equal(plain[0].media_url, a.media_url);
  assert.equal((await fetch(srv.url + a.media_url)).status, 200);
  // a loopback Host is no better: the path again
  const { body: b2, type: t2 } = multipart([...base(), ['lat', '10.95'], ['long', '106.82'], ['media', { filename: 'h.png', data: png(7, 5, [1, 2, 3]) }]]);
  const r2 = await withHost(`${srv.url}${B}/requests.json`, 'localhost:1234', { method: 'POST', body: b2, type: t2 });
  assert.equal(r2.status, 201, r2.text);
  assert.equal(JSON.parse(r2.text)[0].media_url, a.media_urls[0]);
  // a citizen may type a photo's path as media_url, and nothing else without a scheme
  const typed = await postMp([...base(), ['lat', '10.95'], ['long', '106.82'], ['media_url', a.media_url]]);
  assert.equal(typed.status, 201, typed.text);
  const bad = await postMp([...base(), ['lat', '10.95'], ['long', '106.82'], ['media_url', '/media/x.jpg']]);
  assert.equal(bad.status, 400, bad.text);
});

test('[reports] media_base_url: every stored and answered URL starts with it, whatever the Host', async () => {
  const other = await startDemo({ env: { IOC_REPORTS_MEDIA_BASE_URL: 'https://ioc.example.gov.vn/' } });
  try {
    const adm = new Client(other.url);
    assert.equal((await adm.login('admin')).status, 200);
    const k = await adm.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:reports'], name: 'media base' });
    assert.equal(k.status, 201);
    const fields = [['api_key', k.body.key], ...base().slice(1), ['lat', '10.95'], ['long', '106.82'], ['media', { filename: 'b.png', data: png(9, 3, [9, 9, 9]) }]];
    const { body, type } = multipart(fields);
    const r = await withHost(`${other.url}${B}/requests.json?extensions=true`, 'evil.example', { method: 'POST', body, type });
    assert.equal(r.status, 201, r.text);
    assert.ok(!r.text.includes('evil'), r.text);
    const a = JSON.parse(r.text)[0];
    assert.match(a.media_url, /^https:\/\/ioc\.example\.gov\.vn\/media\/[0-9a-f]{64}\.jpg$/);
    assert.deepEqual(a.media_urls, [a.media_url]);
    const g = await (await fetch(`${other.url}${B}/requests/${a.service_request_id}.json?extensions=true`)).json();
    assert.equal(g[0].media_url, a.media_url);
    assert.deepEqual(g[0].extended_attributes.media_urls, [a.media_url]);
    // the staff's API keeps paths (the console is on the same origin)
    const staff = await adm.get(`/api/v1/reports/${a.service_request_id}`);
    assert.equal(staff.body.media[0].url, new URL(a.media_url).pathname);
  } finally {
    await other.stop();
    other.cleanup();
  }
});
