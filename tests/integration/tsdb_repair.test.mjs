// iocctl tsdb check and repair: the operator's tools for the time-series engine's files.
// check reads every point back and says what the engine holds; with a write-ahead log damaged in
// its middle (a bad record followed by good ones, which no crash leaves) iocd refuses to start
// and says why, check fails and points to repair, and repair keeps the log up to the damage, after
// which iocd starts with the points written before it. Both refuse while iocd runs. The files of
// a measurement with a retention rule of its own (parts/D.<hex of its name>.part) are read too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, seededDataDir, iocctl, IOCD } from './lib.mjs';
import { spawnSync } from 'node:child_process';

const T0 = 1700000000;

async function write(srv, key, batch) {
  let body = '';
  for (let k = 0; k < 10; k++) body += `rep,s=a v=${batch * 100 + k} ${T0 + batch * 10 + k}\n`;
  const r = await fetch(`${srv.url}/write?precision=s`, { method: 'POST', headers: { authorization: `Token ${key}` }, body });
  assert.equal(r.status, 204, await r.text());
}

async function count(srv, key) {
  const r = await fetch(`${srv.url}/api/v1/query?measurement=rep&field=v&start=${T0}&end=${T0 + 100}&step=100s&agg=count`,
                        { headers: { authorization: `Bearer ${key}` } });
  assert.equal(r.status, 200);
  return (await r.json()).series[0]?.points[0][1] ?? 0;
}

// The log's records: [u32 length][u32 crc][payload], little-endian (src/tsdb/wal.c).
function walRecords(file) {
  const b = readFileSync(file), recs = [];
  for (let off = 0; off + 8 <= b.length;) {
    const len = b.readUInt32LE(off);
    if (len === 0 || off + 8 + len > b.length) break;
    recs.push({ off, len, kind: String.fromCharCode(b[off + 8]) });
    off += 8 + len;
  }
  return { b, recs };
}

test('tsdb check counts every point; a log damaged in its middle stops iocd, repair keeps what precedes the damage', async () => {
  const data = seededDataDir();
  const k = iocctl(data, ['key', 'create', '--agency', 'CA', '--scope', 'write:telemetry,read:telemetry', '--name', 'repair']);
  assert.equal(k.status, 0, k.stderr);
  const key = k.stdout.trim().split('\n').pop();
  let srv = await startServer({ data });
  for (let b = 0; b < 3; b++) await write(srv, key, b); // three batches: three point records
  const busy = iocctl(data, ['tsdb', 'check']);
  assert.equal(busy.status, 1);
  assert.match(busy.stderr, /iocd is serving .* stop it first/);
  await srv.stop();

  const ok = iocctl(data, ['tsdb', 'check']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^series 1, points 30\b/m);
  assert.match(ok.stdout, /^ok$/m);

  // Damage the second batch's record: a bad record with a good one after it.
  const dir = path.join(data, 'tsdb', 'wal');
  const seg = path.join(dir, readdirSync(dir).filter((f) => f.endsWith('.log')).sort().pop());
  const { b, recs } = walRecords(seg);
  const points = recs.filter((r) => r.kind === 'P');
  assert.equal(points.length, 3, `records: ${recs.map((r) => r.kind).join('')}`);
  b[points[1].off + 8 + 5] ^= 0xff;
  writeFileSync(seg, b);

  const start = spawnSync(IOCD, ['--data', data, '--listen', '127.0.0.1:0'], { encoding: 'utf8', timeout: 30000, env: { ...process.env, IOC_LOG_LEVEL: 'warn' } });
  assert.notEqual(start.status, 0);
  assert.match(start.stderr, /wal/i);
  const bad = iocctl(data, ['tsdb', 'check']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /iocctl tsdb repair/);

  const rep = iocctl(data, ['tsdb', 'repair']);
  assert.equal(rep.status, 0, rep.stderr);
  assert.match(rep.stdout, /^series 1, points 10\b/m);
  const out = path.join(data, 'audit-export.jsonl');
  const audit = iocctl(data, ['audit', 'export', '--out', out]);
  assert.equal(audit.status, 0, audit.stderr);
  assert.ok(readFileSync(out, 'utf8').split('\n').some((l) => l && JSON.parse(l).action === 'tsdb.repair'));

  srv = await startServer({ data });
  try {
    assert.equal(await count(srv, key), 10); // the first batch, before the damage
    await write(srv, key, 5); // and the engine takes writes again
    assert.equal(await count(srv, key), 20);
  } finally {
    await srv.stop();
    srv.cleanup();
  }
});

test('tsdb check reads the files of a measurement with a retention rule of its own (parts/D.<hex>.part)', async () => {
  const data = seededDataDir();
  const k = iocctl(data, ['key', 'create', '--agency', 'CA', '--scope', 'write:telemetry,read:telemetry', '--name', 'groups']);
  assert.equal(k.status, 0, k.stderr);
  const key = k.stdout.trim().split('\n').pop();
  const env = { IOC_TELEMETRY_RETENTION_BY_MEASUREMENT: 'rep=3650d' }; // 10 years: T0 is kept
  let srv = await startServer({ data, env });
  let body = '';
  for (let i = 0; i < 800; i++) body += `rep,s=a v=${i} ${T0 + i}\n`; // past the seal size (720)
  let r = await fetch(`${srv.url}/write?precision=s`, { method: 'POST', headers: { authorization: `Token ${key}` }, body });
  assert.equal(r.status, 204, await r.text());
  const parts = path.join(data, 'tsdb', 'parts');
  for (let i = 0; i < 100 && !readdirSync(parts).some((f) => /^\d{10}\.726570\.part$/.test(f)); i++)
    await new Promise((res) => setTimeout(res, 100)); // sealed by the ingest thread
  await srv.stop();
  const files = readdirSync(parts);
  assert.ok(files.some((f) => /^\d{10}\.726570\.part$/.test(f)), files.join(' ')); // hex of "rep"
  assert.ok(!files.some((f) => /^\d{10}\.part$/.test(f)), files.join(' '));

  const ok = iocctl(data, ['tsdb', 'check']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^series 1, points 800\b/m);
  assert.match(ok.stdout, /chunks in 1 partitions/);

  srv = await startServer({ data, env });
  try {
    r = await fetch(`${srv.url}/api/v1/query?measurement=rep&field=v&start=${T0}&end=${T0 + 1000}&step=1000s&agg=count`,
                    { headers: { authorization: `Bearer ${key}` } });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).series[0].points[0][1], 800);
  } finally {
    await srv.stop();
    srv.cleanup();
  }
});

test('tsdb takes check or repair', () => {
  const data = seededDataDir();
  const r = iocctl(data, ['tsdb', 'fix']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /tsdb takes check or repair/);
});
