// iocctl lp check: line protocol checked the way integrators do before they send it. Runs the
// binary given by IOCCTL (default build/iocctl); needs no server and no data directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { IOCCTL, tempDir } from './lib.mjs';

function lp(args, input) {
  return spawnSync(IOCCTL, ['lp', 'check', ...args], { input, encoding: 'utf8', timeout: 60000 });
}

// The JSON objects of stdout, one a line.
function objects(stdout) {
  return stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

test('good lines from stdin give one JSON object per point, exit 0', () => {
  const r = lp(['--now', '1700000000000000000'],
    '# a comment\r\nair,station=BH-01,commune=26734 pm25=12.5,aqi=51i,count=7u,ok=true,' +
    'note="a \\"quoted\\" word" 1700000000123456789\r\n\nair,station=BH-02 pm25=3\n');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const out = objects(r.stdout);
  assert.equal(out.length, 2);
  assert.deepEqual(out[0].tags, { commune: '26734', station: 'BH-01' });
  assert.deepEqual(out[0].fields, {
    pm25: { float: 12.5 }, aqi: { int: '51' }, count: { uint: '7' }, ok: { bool: true },
    note: { string: 'a "quoted" word' },
  });
  assert.equal(out[0].name, 'air');
  // the time is a JSON integer with every digit (past 2^53, so read from the text)
  assert.match(r.stdout.split('\n')[0], /"time":1700000000123456789\}$/);
  assert.match(r.stdout.split('\n')[1], /"time":1700000000000000000\}$/);
});

test('64-bit integers are strings, exact at their limits', () => {
  const r = lp([], 'm a=-9223372036854775808i,b=18446744073709551615u,c=9223372036854775807i 0\n');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(objects(r.stdout)[0].fields, {
    a: { int: '-9223372036854775808' }, b: { uint: '18446744073709551615' },
    c: { int: '9223372036854775807' },
  });
});

test('a bad line gives an error object with line and column; the good lines still print; exit 1', () => {
  const r = lp(['--now', '5'], 'm v=1\nm,t=a v=1,w=@\nm v=2 9223372036854775808\nm v=3\n');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /2 bad lines, 2 points good/);
  const out = objects(r.stdout);
  assert.equal(out.length, 4);
  assert.deepEqual(out[0], { name: 'm', tags: {}, fields: { v: { float: 1 } }, time: 5 });
  assert.equal(out[1].line, 2);
  assert.equal(out[1].column, 13);
  assert.match(out[1].error, /field value/);
  assert.equal(out[2].line, 3);
  assert.equal(out[2].column, 7);
  assert.match(out[2].error, /timestamp/);
  assert.equal(out[3].fields.v.float, 3);
});

test('--precision scales timestamps and truncates the default time', () => {
  let r = lp(['--precision', 'ms'], 'm v=1 1700000000123\n');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /"time":1700000000123000000\}/);
  r = lp(['--precision', 's', '--now', '1700000000987654321'], 'm v=1\n');
  assert.match(r.stdout, /"time":1700000000000000000\}/);
  r = lp(['--precision', 's'], 'm v=1 9223372037\n');
  assert.equal(r.status, 1);
  assert.match(objects(r.stdout)[0].error, /out of range/);
});

test('without --now, points without a timestamp get the current time', () => {
  const before = BigInt(Date.now()) * 1000000n;
  const r = lp([], 'm v=1\n');
  const after = BigInt(Date.now() + 1) * 1000000n;
  const t = BigInt(r.stdout.match(/"time":(-?\d+)\}/)[1]);
  assert.ok(t >= before - 1000000n && t <= after, `${before} <= ${t} <= ${after}`);
});

test('reads a FILE', () => {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'payload.lp');
    writeFileSync(file, 'water,station=DN-7 level=1.25 1\n');
    const r = spawnSync(IOCCTL, ['lp', 'check', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(objects(r.stdout), [
      { name: 'water', tags: { station: 'DN-7' }, fields: { level: { float: 1.25 } }, time: 1 },
    ]);
    const missing = spawnSync(IOCCTL, ['lp', 'check', path.join(dir, 'nope')], { encoding: 'utf8' });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage errors exit 2 and print the usage', () => {
  for (const args of [['--precision', 'weeks'], ['--now', 'soon'], ['--now'], ['a', 'b'],
    ['--limit', '3']]) {
    const r = lp(args, '');
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /usage: iocctl .*lp/);
  }
  const r = spawnSync(IOCCTL, ['lp', 'verify'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  const help = spawnSync(IOCCTL, ['lp', '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /lp check \[--precision P\] \[--now NS\] \[FILE\]/);
});

test('empty input is fine: no output, exit 0', () => {
  const r = lp([], '');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, '');
});
