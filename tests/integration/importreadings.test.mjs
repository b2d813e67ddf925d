// iocctl import readings: CSV files of readings checked end to end on real files. Runs the
// binary given by IOCCTL (default build/iocctl). The dry runs need no server and no data
// directory; storing is checked by reading the points back through iocd.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { IOCCTL, tempDir, seededDataDir, startServer, Client, iocctl } from './lib.mjs';

const dir = tempDir('ioc-readings-');
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name, text) {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

function run(args) {
  return spawnSync(IOCCTL, ['import', 'readings', ...args], { encoding: 'utf8', timeout: 120000 });
}

test('a good file (BOM, CRLF, quotes): every row a point, exit 0, nothing on stderr', () => {
  const p = file('good.csv', '\ufefftime,measurement,tag.station,pm25,aqi,ok\r\n' +
    '2024-05-01T10:00:00+07:00,air,"BH-01, Ba Đình",12.5,51,true\r\n' +
    '2024-05-01T10:01:00+07:00,air,BH-02,3,,\r\n');
  const r = run(['--dry-run', '--int', 'aqi', p]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, `${p}: 2 rows read, 2 points, 0 rows refused\ndry run: nothing was stored\n`);
});

test('a mixed file: refused rows listed with line, column and reason; the good ones counted; exit 1', () => {
  const p = file('mixed.csv', 'time,measurement,tag.station,pm25,pm10\n' +
    '1700000000,air,A,1,2\n' +
    '1700000001,air,B,1,abc\n' +
    '1700000002,air,"C\nD",,\n' +
    'yesterday,air,E,1,2\n' +
    '1700000004,air,F,1\n' +
    '1700000005,air,G,5,6\n');
  const r = run(['--dry-run', '--precision', 's', p]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, '');
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], `${p}: 6 rows read, 2 points, 4 rows refused`);
  assert.equal(lines[1], '  line 3, column 5: not a number, true or false (column "pm10": "abc")');
  assert.match(lines[2], /^ {2}line 4, column 3: a tag value holds a control character/);
  assert.match(lines[3], /^ {2}line 6, column 1: the time is neither an RFC 3339 time/);
  assert.equal(lines[4], '  line 7: the row has 4 cells, the header 5');
  assert.equal(lines[5], 'dry run: nothing was stored');
});

test('more than 20 refused rows: the first 20, then a count', () => {
  let text = 'time,measurement,v\n';
  for (let i = 0; i < 25; i++) text += `${i},m,x${i}\n`;
  text += '99,m,1\n';
  const r = run(['--dry-run', file('many.csv', text)]);
  assert.equal(r.status, 1);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /: 26 rows read, 1 point, 25 rows refused$/);
  assert.equal(lines.filter((l) => /^ {2}line \d+, column 3: /.test(l)).length, 20);
  assert.equal(lines[1], '  line 2, column 3: not a number, true or false (column "v": "x0")');
  assert.equal(lines[20], '  line 21, column 3: not a number, true or false (column "v": "x19")');
  assert.equal(lines[21], '  and 5 more refused rows');
});

// Storing: the rows go into DATA_DIR's telemetry, read back through iocd afterwards.
async function readKey(srv) {
  const staff = new Client(srv.url);
  assert.equal((await staff.login('staff')).status, 200);
  const agency = (await staff.get('/api/v1/session')).body.user.agency.code;
  const k = await staff.post('/api/v1/keys', { agency_code: agency, scopes: ['read:telemetry'] });
  assert.equal(k.status, 201);
  return k.body.key;
}

test('without --dry-run the good rows are stored (iocd reads them afterwards), refused rows listed with their line; exit 1', async () => {
  const data = seededDataDir();
  const T0 = 1700000000;
  let text = '\ufefftime,measurement,tag.station,pm25,aqi\r\n';
  for (let i = 0; i < 3000; i++) text += `${T0 + i},imp,${i % 2 ? 'A' : 'B'},${i}.5,${i % 100}\r\n`;
  text += `${T0 + 5000},imp,A,zero,1\r\n`; // refused: line 3002
  text += `${T0 + 5001},imp,"B",7,1\r\n`;
  const p = file('store.csv', text);
  const r = spawnSync(IOCCTL, ['--data', data, 'import', 'readings', '--precision', 's', '--int', 'aqi', p],
    { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], `${p}: 3002 rows read, 3001 points, 1 row refused`);
  assert.equal(lines[1], '  line 3002, column 4: not a number, true or false (column "pm25": "zero")');
  assert.equal(lines[2], 'stored: 6002 values; the good rows are stored, the refused ones are not');
  // the audit row, then iocd serves the points
  const exp = path.join(dir, 'audit-import.jsonl');
  assert.equal(iocctl(data, ['audit', 'export', '--out', exp]).status, 0);
  assert.match(readFileSync(exp, 'utf8'), /"action":"telemetry.import".*6002 values stored, 0 refused/);
  const srv = await startServer({ data, demo: true });
  const key = await readKey(srv);
  const q = await fetch(`${srv.url}/api/v1/query?measurement=imp&field=pm25&start=${T0}&end=${T0 + 6000}&step=6000s&agg=count&group=station`,
                        { headers: { authorization: `Bearer ${key}` } });
  assert.equal(q.status, 200, await q.clone().text());
  const j = await q.json();
  const count = (st) => j.series.find((x) => x.tags.station === st).points[0][1];
  assert.equal(count('A'), 1500);
  assert.equal(count('B'), 1501);
  // while iocd runs the import is refused, naming the way that works meanwhile
  const busy = spawnSync(IOCCTL, ['--data', data, 'import', 'readings', '--precision', 's', p], { encoding: 'utf8' });
  assert.equal(busy.status, 1);
  assert.match(busy.stderr, /iocd is running on .* stop it before an import, or send the rows to it over HTTP \(POST \/write/);
  await srv.stop();
  // a value of another type than the stored field is refused by the store: counted, exit 1
  const again = spawnSync(IOCCTL, ['--data', data, 'import', 'readings', '--precision', 's', '--int', 'pm25',
    file('int.csv', `time,measurement,tag.station,pm25\n${T0 + 9000},imp,A,3\n`)], { encoding: 'utf8' });
  assert.equal(again.status, 1);
  assert.match(again.stdout, /refused by the store: 1 value; the first: imp field pm25: the field is stored with another type/);
  srv.cleanup();
});

test('without --dry-run a DATA_DIR with no database is refused', () => {
  const r = spawnSync(IOCCTL, ['--data', path.join(dir, 'nowhere'), 'import', 'readings', file('plain.csv', 'time,measurement,v\n0,m,1\n')],
    { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no ioc database in/);
  assert.ok(!existsSync(path.join(dir, 'nowhere', 'tsdb')));
});

test('a bad header stops the check: exit 1 naming the line and what is wrong', () => {
  const r = run(['--dry-run', file('nohead.csv', 'measurement,v\nm,1\n')]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /nohead\.csv: line 1: the header has no time column\n$/);
  const e = run(['--dry-run', file('empty.csv', '')]);
  assert.equal(e.status, 1);
  assert.match(e.stderr, /the file has no header row/);
});

test('an unreadable file is exit 1; bad options are exit 2', () => {
  const missing = path.join(dir, 'nope.csv');
  assert.ok(!existsSync(missing));
  const r = run(['--dry-run', missing]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot read .*nope\.csv/);
  const p = file('opts.csv', 'time,v\n0,1\n');
  assert.equal(run(['--dry-run', '--precision', 'days', p]).status, 2);
  assert.equal(run(['--dry-run', '--int', 'a,,b', p]).status, 2);
  assert.equal(run(['--dry-run', '--measurement', '', p]).status, 2);
  assert.equal(run(['--dry-run', '--bogus', p]).status, 2);
  assert.equal(run(['--dry-run']).status, 2);
  assert.equal(run(['--dry-run', '--measurement', 'm', p]).status, 0);
});

test('a file of many 64 KiB blocks is read whole, quoted fields included', () => {
  let text = 'time,measurement,tag.note,v\n';
  const rows = 60000;
  for (let i = 0; i < rows; i++)
    text += i % 1000 === 7 ? `${i},m,"a, ""b""",${i}.5\n` : `${i},m,x,${i}\n`;
  text += '1,m,"two\nlines",1\n'; // refused (control character in a tag), found at its line
  const p = file('big.csv', text);
  const r = run(['--dry-run', p]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout.split('\n')[0], `${p}: ${rows + 1} rows read, ${rows} points, 1 row refused`);
  assert.match(r.stdout, new RegExp(`line ${rows + 2}, column 3: a tag value holds`));
});

test('on a terminal, a progress bar with rows, % and rows/s goes to stderr', (t) => {
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  assert.ok(!script.error, 'script(1) (Debian package bsdutils) is needed for this test');
  const p = file('tty.csv', 'time,measurement,v\n0,m,1\n1,m,2\n');
  const r = spawnSync('script', ['-qec', `'${IOCCTL}' import readings --dry-run '${p}' >/dev/null`, '/dev/null'],
    { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /\[#{30}\] 100% {2}2 rows {2}\d+ rows\/s/);
});

test('the usage of import names import readings beside import units', () => {
  const r = spawnSync(IOCCTL, ['import', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /import units FILE\.geojson/);
  assert.match(r.stdout, /import readings \[--dry-run\] \[--measurement M\] \[--precision P\] \[--int COL,\.\.\.\] FILE\.csv/);
});
