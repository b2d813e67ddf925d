// An acknowledged telemetry write survives kill -9: clients write batches of line protocol
// continuously, iocd is killed at a random moment, restarted, and every point of every batch
// answered 204 must be there (counted per batch through GET /api/v1/query). seal_points is small
// so that series are sealed into chunks and the log trimmed while the writes go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDataDir, Client } from './lib.mjs';

const ROUNDS = Number(process.env.IOC_KILL_ROUNDS || 3);
const WRITERS = 4;
const PER_BATCH = 50;
const SPAN = 100; // seconds of timestamps per batch: batch b of a writer is [T0 + b*SPAN, +PER_BATCH)
const T0 = 1700000000;
const ENV = { IOC_TELEMETRY_SEAL_POINTS: '16' };

test(`kill -9 at a random moment, ${ROUNDS} times: no acknowledged telemetry point is lost`, async () => {
  const data = seededDataDir();
  const acked = Array.from({ length: WRITERS }, () => new Set());
  const next = Array(WRITERS).fill(0);
  let key;
  for (let round = 0; round < ROUNDS; round++) {
    const srv = await startServer({ data, demo: round === 0, env: ENV });
    if (!key) {
      const staff = new Client(srv.url);
      assert.equal((await staff.login('staff')).status, 200);
      const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
      const k = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['write:telemetry', 'read:telemetry'] });
      assert.equal(k.status, 201);
      key = k.body.key;
    }
    let stop = false;
    const writer = async (w) => {
      while (!stop) {
        const b = next[w]++;
        let body = '';
        for (let k = 0; k < PER_BATCH; k++) body += `dur,w=w${w} v=${b * 1000 + k} ${T0 + b * SPAN + k}\n`;
        try {
          const r = await fetch(`${srv.url}/write?precision=s`, { method: 'POST', headers: { authorization: `Token ${key}` }, body });
          await r.arrayBuffer();
          if (r.status === 204) acked[w].add(b);
        } catch { return; } // the connection died with the server
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
    // the kill comes at a random moment once this round has its share of the acknowledged batches
    // the check below needs (> 10), not after a fixed time only (a loaded machine is slow)
    const total = () => acked.reduce((n, s) => n + s.size, 0);
    const share = total() + Math.ceil(11 / ROUNDS);
    for (const until = Date.now() + 60000; total() < share && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200 + Math.random() * 800));
    await srv.kill9();
    stop = true;
    await Promise.allSettled(writers);
  }
  const total = acked.reduce((n, s) => n + s.size, 0);
  assert.ok(total > 10, `only ${total} batches were acknowledged`);
  const srv = await startServer({ data, env: ENV });
  const end = T0 + Math.max(...next) * SPAN;
  const r = await fetch(`${srv.url}/api/v1/query?measurement=dur&field=v&start=${T0}&end=${end}&step=${SPAN}s&agg=count&group=w`,
                        { headers: { authorization: `Bearer ${key}` } });
  assert.equal(r.status, 200, await r.clone().text());
  const j = await r.json();
  const lost = [];
  for (let w = 0; w < WRITERS; w++) {
    const ser = j.series.find((s) => s.tags.w === `w${w}`);
    for (const b of acked[w]) {
      const n = ser ? ser.points[b][1] : 0;
      if (n !== PER_BATCH) lost.push(`w${w} batch ${b}: ${n} of ${PER_BATCH}`);
    }
  }
  assert.deepEqual(lost, [], `${lost.length} of ${total} acknowledged batches incomplete`);
  await srv.stop();
  srv.cleanup();
});
