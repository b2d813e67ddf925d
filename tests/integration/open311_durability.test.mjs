// A citizen report answered 201 survives kill -9: reports are posted through Open311 while the
// server is killed at a random moment, restarted, and every acknowledged report must be there
// (and its idempotency key still answer it), with integrity_check ok.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDataDir, Client, iocctl, waitForIndex } from './lib.mjs';

const ROUNDS = Number(process.env.IOC_KILL_ROUNDS || 4);
const B = '/open311/v2';

const post = (url, key, i, idem) => fetch(`${url}${B}/requests.json`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': idem },
  body: new URLSearchParams({ api_key: key, service_code: 'den-duong', lat: '10.95', long: '106.82', description: `Bền vững ${i}` }).toString(),
});

test(`kill -9 during Open311 submissions, ${ROUNDS} times: no acknowledged report is lost`, async () => {
  const data = seededDataDir();
  let key;
  const acked = []; // {id, idem, i}
  for (let round = 0; round < ROUNDS; round++) {
    const srv = await startServer({ data });
    await waitForIndex(srv.url);
    if (!key) {
      const admin = new Client(srv.url);
      assert.equal((await admin.login('admin')).status, 200);
      const k = await admin.post('/api/v1/keys', { agency_code: 'SO-XD', scopes: ['write:reports'] });
      assert.equal(k.status, 201);
      key = k.body.key;
    }
    let stop = false;
    const worker = async (w) => {
      for (let i = 0; !stop; i++) {
        const idem = `r${round}-${w}-${i}`;
        try {
          const r = await post(srv.url, key, idem, idem);
          const body = await r.json();
          if (r.status === 201) acked.push({ id: body[0].service_request_id, idem });
        } catch { return; } // the connection died with the server
      }
    };
    const workers = Array.from({ length: 6 }, (_, w) => worker(w));
    const share = acked.length + Math.ceil(24 / ROUNDS);
    for (const until = Date.now() + 60000; acked.length < share && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 500));
    await srv.kill9();
    stop = true;
    await Promise.allSettled(workers);
  }
  assert.ok(acked.length > 20, `only ${acked.length} reports were acknowledged`);
  const check = iocctl(data, ['check']);
  assert.equal(check.status, 0, check.stderr);
  const srv = await startServer({ data });
  await waitForIndex(srv.url);
  const lost = [];
  for (let i = 0; i < acked.length; i += 200) {
    const part = acked.slice(i, i + 200);
    const r = await fetch(`${srv.url}${B}/requests.json?service_request_id=${part.map((a) => a.id).join(',')}`);
    const have = new Map((await r.json()).map((q) => [q.service_request_id, q.description]));
    for (const a of part) if (have.get(a.id) !== `Bền vững ${a.idem}`) lost.push(a);
  }
  assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged reports lost`);
  // a retry after the restart answers the stored report and stores nothing
  const again = await post(srv.url, key, acked[0].idem, acked[0].idem);
  assert.equal(again.status, 201);
  assert.equal((await again.json())[0].service_request_id, acked[0].id);
  await srv.stop();
  srv.cleanup();
});
