// iocctl media gc (docs/operations.md "Photos no report names"): the files of DATA_DIR/media/
// that no report names and that are older than an hour are listed (a dry run by default) and
// removed with --delete, audited; a linked photo, a photo named by a media_url, a young file (an
// upload in flight) and a file of another name are kept. Run against a serving iocd's data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startDemo, Client, iocctl } from './lib.mjs';

let srv, admin, key;
const B = '/open311/v2';
// a 1×1 PNG (RGB, black)
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElFTkSuQmCC', 'base64');

function multipart(fields, boundary = 'gc-test-boundary-x') {
  const parts = [];
  for (const [name, v] of fields) {
    if (typeof v === 'string') parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v}\r\n`));
    else parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${v.filename}"\r\n\r\n`), v.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}
async function post(fields) {
  const { body, type } = multipart([['api_key', key], ['service_code', 'rac-thai'], ['attribute[loai-rac][]', 'sinh-hoat'], ['lat', '10.95'], ['long', '106.82'], ...fields]);
  const r = await fetch(`${srv.url}${B}/requests.json`, { method: 'POST', body, headers: { 'content-type': type } });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return JSON.parse(text)[0];
}
const media = (name) => path.join(srv.data, 'media', name);
const plant = (name, ageS) => {
  writeFileSync(media(name), 'not really a photo');
  const t = Date.now() / 1000 - ageS;
  utimesSync(media(name), t, t);
};

before(async () => {
  srv = await startDemo();
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 200);
  const r = await admin.post('/api/v1/keys', { agency_code: 'SO-NNMT', scopes: ['write:reports'], name: 'gc test' });
  assert.equal(r.status, 201);
  key = r.body.key;
});
after(async () => { await srv.stop(); srv.cleanup(); });

test('media gc lists, then with --delete removes, only old files no report names; audited', async () => {
  const a = await post([['media', { filename: 'p.png', data: PNG }]]);
  const linked = path.basename(a.media_url);
  const h = linked.slice(0, 64);
  // the linked photo made old: kept all the same
  for (const f of [linked, `${h}_thumb.jpg`]) utimesSync(media(f), 1e9, 1e9);
  const orphan = `${'a'.repeat(64)}.jpg`, orphanThumb = `${'a'.repeat(64)}_thumb.jpg`;
  const young = `${'b'.repeat(64)}.jpg`, typed = `${'c'.repeat(64)}.jpg`;
  plant(orphan, 7200);
  plant(orphanThumb, 7200);
  plant(young, 60);
  plant(typed, 7200);
  plant('README.txt', 7200);
  await post([['media_url', `https://elsewhere.example/media/${typed}`]]); // named by a media_url

  const dry = iocctl(srv.data, ['media', 'gc']);
  assert.equal(dry.status, 0, dry.stderr);
  const listed = dry.stdout.split('\n').filter((l) => l.startsWith('unreferenced ')).map((l) => l.split(' ')[1]).sort();
  assert.deepEqual(listed, [orphan, orphanThumb].sort());
  assert.match(dry.stdout, /2 named by no report and older than an hour \(36 bytes\): kept \(dry run/);
  assert.match(dry.stdout, /1 newer ones kept/);
  assert.ok(existsSync(media(orphan)) && existsSync(media(orphanThumb)));
  let audit = await admin.get('/api/v1/audit?action=media.gc');
  assert.equal(audit.status, 200);
  assert.equal(audit.body.entries.length, 0); // a dry run changes nothing and is not audited

  const del = iocctl(srv.data, ['media', 'gc', '--delete']);
  assert.equal(del.status, 0, del.stderr);
  assert.match(del.stdout, new RegExp(`^removed ${orphan} \\(18 bytes\\)$`, 'm'));
  assert.match(del.stdout, /: removed;/);
  assert.ok(!existsSync(media(orphan)) && !existsSync(media(orphanThumb)));
  for (const f of [linked, `${h}_thumb.jpg`, young, typed, 'README.txt']) assert.ok(existsSync(media(f)), f);
  assert.equal((await fetch(`${srv.url}/media/${linked}`)).status, 200);
  audit = await admin.get('/api/v1/audit?action=media.gc');
  assert.equal(audit.body.entries.length, 1);
  const row = audit.body.entries[0];
  assert.equal(row.actor, 'iocctl');
  assert.deepEqual(JSON.parse(row.detail), { files: 2, bytes: 36 });

  // nothing left to do; usage errors
  const again = iocctl(srv.data, ['media', 'gc', '--delete']);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, / 0 named by no report/);
  assert.equal(iocctl(srv.data, ['media', 'gc', '--force']).status, 2);
  assert.equal(iocctl(srv.data, ['media', 'gc', 'x']).status, 2);
  assert.equal(iocctl(srv.data, ['media']).status, 2);
});
