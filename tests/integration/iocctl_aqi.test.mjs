// iocctl aqi: the VN_AQI of a CSV of hourly means (docs/environment.md). Runs the binary given by
// IOCCTL (default build/iocctl); needs no server and no data directory. Every expected row was
// computed by hand from Decision 1459's Table 2 and NowCast (the computation is in the comments),
// not by running the library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { IOCCTL, tempDir } from './lib.mjs';

const HEADER = 'time,aqi,class,dominant,aqi_pm25,aqi_pm10,aqi_no2,aqi_so2,aqi_co,aqi_o3';

function aqi(args, input) {
  return spawnSync(IOCCTL, ['aqi', ...args], { input, encoding: 'utf8', timeout: 60000 });
}

function withFile(text, fn) {
  const dir = tempDir('ioc-aqi-');
  const file = path.join(dir, 'hours.csv');
  writeFileSync(file, text);
  try {
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Rows out of order, one written in UTC, a gap at 04:00.
const HOURS = [
  'time,pm25,pm10,no2,so2,co,o3',
  '2026-11-30T20:00:00Z,20,,,,,', // 03:00 +07:00
  '2026-12-01T01:00:00+07:00,30,80,150,100,5000,240',
  '2026-12-01T02:00:00+07:00,,80,,,,',
  '2026-12-01T06:00:00+07:00,55.7,,,,,',
  '2026-12-01T05:00:00+07:00,55.7,,,,,',
].join('\n') + '\n';

const HOURLY = [
  HEADER,
  // 01:00: one hour of PM each, no NowCast (no index); NO2 150 → 50 + 50·50/100 = 75,
  // SO2 100 → 50·100/125 = 40, CO 5000 → 50·5000/10000 = 25, O3 240 → 100 + 50·40/100 = 120
  '2026-12-01T01:00:00+07:00,,,,,,75,40,25,120',
  // 02:00: PM2.5 only at c2 (1 of 3); PM10 80, 80 → 80 → 50 + 50·30/100 = 65
  '2026-12-01T02:00:00+07:00,65,Trung bình,pm10,,65,,,,',
  // 03:00: PM2.5 c1 = 20, c3 = 30: w* = 2/3, (20 + 30·4/9)/(1 + 4/9) = 300/13 = 23.08 →
  // 50·23.08/25 = 46.15 → 46; PM10 c2 = c3 = 80 → 65
  '2026-12-01T03:00:00+07:00,65,Trung bình,pm10,46,65,,,,',
  // 05:00: PM2.5 c1 = 55.7, c3 = 20, c5 = 30: w* = 20/55.7 < ½ → ½;
  // (55.7 + 20/4 + 30/16)/(1 + 1/4 + 1/16) = 62.575/1.3125 = 47.676 → 50 + 2·22.676 = 95.35 → 95;
  // PM10: nothing in c1..c3
  '2026-12-01T05:00:00+07:00,95,Trung bình,pm25,95,,,,,',
  // 06:00: c1 = c2 = 55.7, c4 = 20, c6 = 30: w = ½;
  // (55.7 + 27.85 + 20/8 + 30/32)/(1 + 1/2 + 1/8 + 1/32) = 86.9875/1.65625 = 52.521 →
  // 100 + 50·2.521/30 = 104.2 → 104
  '2026-12-01T06:00:00+07:00,104,Kém,pm25,104,,,,,',
].join('\n') + '\n';

test('hourly: one row per input hour in +07:00, gaps are missing hours of the NowCast', () => {
  withFile(HOURS, (file) => {
    const r = aqi(['--hourly', file]);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, HOURLY);
  });
});

test('hourly from stdin, without a file and with -', () => {
  for (const args of [['--hourly'], ['--hourly', '-']]) {
    const r = aqi(args, HOURS);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, HOURLY);
  }
});

test('daily: one row per local day with an hour; 24:00 belongs to its day; O3 8 h wins', () => {
  const lines = ['pm10,time,o3,pm25,no2'];
  // 1 December: the hours labelled 01:00 … 24:00 (the last one written as 2 Dec 00:00)
  for (let h = 1; h <= 24; h++) {
    const t = h < 24 ? `2026-12-01T${String(h).padStart(2, '0')}:00:00+07:00`
      : '2026-12-02T00:00:00+07:00';
    lines.push(`,${t},150,40,${h === 9 ? 450 : 20}`);
  }
  lines.push(',2026-12-02T01:00:00+07:00,,10,'); // 2 December: one hour of PM2.5
  lines.push(',2026-12-04T12:00:00+07:00,,,'); // 4 December: an empty hour
  const r = aqi(['--daily'], lines.join('\r\n'));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, [
    HEADER,
    // PM2.5 mean 40 → 50 + 2·15 = 80; NO2 largest 450 → 100 + 50·250/500 = 125;
    // O3 1 h 150 → 50·150/160 = 46.9 → 47, 8 h 150 → 100 + 50·30/50 = 130: O3 130 → Kém
    '2026-12-01,130,Kém,o3,80,,125,,,130',
    // one PM hour (< 18): no index; the 8 h O3 mean ending at 01:00 averages 1 Dec 18:00 …
    // 2 Dec 01:00, seven hours of 150 present (≥ 6) → 130
    '2026-12-02,,,,,,,,,130',
    '2026-12-04,,,,,,,,,',
  ].join('\n') + '\n');
});

test('a bad row: FILE:LINE:COL: why on stderr, nothing on stdout, exit 1', () => {
  withFile('time,pm25,pm10\n2026-12-01T01:00:00+07:00,1,2\n2026-12-01T02:00:00+07:00,3,x4\n',
    (file) => {
      const r = aqi(['--daily', file]);
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `${file}:3:3: not a decimal number in column pm10: "x4"\n`);
    });
  let r = aqi(['--hourly'], 'time,pm25,humidity\n');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'stdin:1:3: unknown column: "humidity"\n');
  r = aqi(['--hourly'], 'time,pm25\n2026-12-01T01:00:00+07:00,1\n2026-11-30T18:00:00Z,2\n');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'stdin:3:1: the time is repeated (first on line 2)\n');
  r = aqi(['--hourly'], 'time,pm25\n2026-12-01T01:15:00+07:00,1\n');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^stdin:2:1: not a whole hour/);
});

test('usage errors exit 2; a missing file exits 1', () => {
  for (const args of [[], ['--hourly', '--daily'], ['--weekly'], ['--hourly', 'a.csv', 'b.csv']]) {
    const r = aqi(args, '');
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /aqi --hourly\|--daily/);
  }
  const r = aqi(['--daily', '/nonexistent/aqi.csv']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\/nonexistent\/aqi\.csv/);
  assert.equal(r.stdout, '');
});

test('listed in iocctl --help; needs no data directory and creates none', () => {
  let r = spawnSync(IOCCTL, ['--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /aqi --hourly\|--daily \[FILE\.csv\]/);
  r = spawnSync(IOCCTL, ['help', 'aqi'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^usage: iocctl \[--data DIR\] aqi/);
  const dir = tempDir('ioc-aqi-');
  const data = path.join(dir, 'data');
  try {
    r = spawnSync(IOCCTL, ['--data', data, 'aqi', '--daily'], { input: HOURS, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!existsSync(data), 'no data directory made');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
