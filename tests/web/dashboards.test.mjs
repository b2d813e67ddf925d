// dashboards.test.mjs — the dashboards screens (web/src/js/dashboards*.js) in headless Chromium
// against a real `iocd --demo` (its 191 synthetic dashboards), with indicator values the test
// posts itself through the API as admin (POST /api/v1/indicators/{code}/values).
//
// Run: npm run build && node --test tests/web/dashboards.test.mjs (needs build/iocd, build/web).
// The server is started here rather than with lib/iocd.mjs's startIocd because the wall test
// stops and starts it again on the same port and data directory (sessions and values survive).
// Writes build/screenshots/dashboards.png, dashboard.png and wall.png (IOC_SCREENSHOT_DIR
// overrides, as in console.test.mjs).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request } from 'playwright-core';
import { requireBuild, ROOT, PASSWORDS } from './lib/iocd.mjs';
import { launch, watch } from './lib/browser.mjs';

const VIEWPORT = { width: 1280, height: 900 };
const SHOTS = path.resolve(ROOT, process.env.IOC_SCREENSHOT_DIR || path.join('build', 'screenshots'));
// Expected failures the browser logs: no session yet; the wall's requests while iocd is down.
const ALLOWED = [/status of 401.*\/api\/v1\/session/];
const DOWN = /ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE|Failed to load resource/;

/** The month n months before this one in Asia/Ho_Chi_Minh ("YYYY-MM"). */
function monthBefore(n) {
    const now = new Date(Date.now() + 7 * 3600 * 1000);
    const k = now.getUTCFullYear() * 12 + now.getUTCMonth() - n;
    return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

function freePort() {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}

/** iocd --demo on a fixed port and data directory, which start() and stop() keep. */
function createServer(port) {
    const { bin, web } = requireBuild();
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'ioc-web-dash-'));
    const env = { IOC_DEMO_INDICATOR_VALUES: 'false', ...process.env }; // the test posts its values
    for (const [role, pw] of Object.entries(PASSWORDS)) env[`IOC_DEMO_PASSWORD_${role.toUpperCase()}`] = pw;
    let proc = null;
    let exited = null;
    const base = `http://127.0.0.1:${port}`;
    return {
        base,
        async start() {
            proc = spawn(bin, ['--demo', '--listen', `127.0.0.1:${port}`, '--data', data, '--web-root', web], {
                cwd: ROOT,
                env,
                stdio: ['ignore', 'pipe', 'pipe'],
            });
            proc.stderr.resume();
            exited = new Promise((resolve) => proc.once('exit', resolve));
            await new Promise((resolve, reject) => {
                let out = '';
                const timer = setTimeout(() => reject(new Error(`iocd did not listen\n${out}`)), 30000);
                proc.stdout.on('data', (c) => {
                    out += c;
                    if (/listening on/.test(out)) {
                        clearTimeout(timer);
                        resolve();
                    }
                });
                exited.then(() => reject(new Error(`iocd exited\n${out}`)));
            });
        },
        async stop() {
            if (proc && proc.exitCode === null && proc.signalCode === null) {
                proc.kill('SIGTERM');
                const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
                await exited;
                clearTimeout(t);
            }
        },
        remove() {
            fs.rmSync(data, { recursive: true, force: true });
        },
    };
}

let server;
let browser;
let page;
let w;
let communes; // [{code, name}] in the order of the GeoJSON
const PERIOD = monthBefore(1); // last month: a complete period
const BEFORE = monthBefore(2);

/** Post the values the test needs as admin: files received and received online per commune. */
async function postValues(base) {
    const api = await request.newContext({ baseURL: base });
    const login = await api.post('/api/v1/session', { data: { username: 'admin', password: PASSWORDS.admin } });
    assert.equal(login.status(), 200);
    const csrf = (await login.json()).csrf_token;
    const geo = await (await api.get('/api/v1/units.geojson?level=commune&simplify=50')).json();
    communes = geo.features.map((f) => ({ code: String(f.properties.code), name: f.properties.name }));
    assert.equal(communes.length, 95);
    // 30 communes at 70 % online (green: target 60), 30 at 56 % (amber: from 90 % of it), 35 at 40 % (red)
    const online = (i) => (i < 30 ? 700 : i < 60 ? 560 : 400);
    const post = async (code, period, value) => {
        const r = await api.post(`/api/v1/indicators/${code}/values`, {
            headers: { 'X-CSRF-Token': csrf },
            data: {
                values: communes.map((c, i) => ({ unit: c.code, period, value: value(i) })),
                note: 'web test',
            },
        });
        assert.equal(r.status(), 200, await r.text());
    };
    await post('CCHC.HS_TIEPNHAN', PERIOD, () => 1000);
    await post('CCHC.HS_TRUCTUYEN', PERIOD, online);
    // the month before: 50 % everywhere (the number panels' "previous period")
    await post('CCHC.HS_TIEPNHAN', BEFORE, () => 800);
    await post('CCHC.HS_TRUCTUYEN', BEFORE, () => 400);
    await api.dispose();
}

describe('dashboards screens', { concurrency: 1 }, () => {
    before(async () => {
        fs.mkdirSync(SHOTS, { recursive: true });
        server = createServer(await freePort());
        await server.start();
        await postValues(server.base);
        browser = await launch();
        const context = await browser.newContext({ viewport: VIEWPORT });
        page = await context.newPage();
        w = watch(page, server.base);
    });

    after(async () => {
        if (browser) await browser.close();
        if (server) {
            await server.stop();
            server.remove();
        }
    });

    it('asks anonymous visitors to sign in, then lists the dashboards after login', async () => {
        await page.goto(server.base + '/#dashboards');
        await page.locator('#dashboards-signin').waitFor({ state: 'visible' });
        assert.match(await page.locator('#dashboards-signin').textContent(), /Đăng nhập/);
        assert.equal(await page.locator('#nav-dashboards').isHidden(), true);
        await page.locator('#login-button').click();
        await page.locator('#login-username').fill('operator');
        await page.locator('#login-password').fill(PASSWORDS.operator);
        await page.locator('#login-submit').click();
        await page.waitForSelector('#dash-list[data-state="ready"]', { timeout: 15000 });
        assert.equal(await page.locator('#dash-list').getAttribute('data-total'), '191');
        assert.equal(await page.locator('#nav-dashboards').isVisible(), true);
        const first = page.locator('a.dash-link').first();
        assert.equal(await first.getAttribute('data-id'), 'tong-quan-tinh');
        assert.equal(await first.getAttribute('href'), '#dashboards/tong-quan-tinh');
        assert.equal(await first.textContent(), 'Tổng quan tỉnh');
        assert.equal(await page.locator('a.dash-link').count(), 50);
        assert.equal(await page.locator('#dash-more').isVisible(), true);
    });

    it('searches on the server ignoring diacritics, and filters by domain', async () => {
        await page.locator('#dash-q').fill('tong quan cai cach');
        await page.waitForSelector('#dash-list[data-state="ready"][data-query="tong quan cai cach"]');
        const ids = await page.locator('a.dash-link').evaluateAll((as) => as.map((a) => a.dataset.id));
        assert.deepEqual(ids, ['cchc-tong-quan']);
        assert.match(location(await page.url()), /#dashboards\?q=tong\+quan\+cai\+cach$/);
        await page.locator('#dash-q').fill('');
        await page.waitForSelector('#dash-list[data-state="ready"][data-query=""]');
        await page.locator('#dash-domain').selectOption('CCHC');
        await page.waitForFunction(() => document.querySelector('#dash-list').dataset.total === '12');
        const all = await page.locator('a.dash-link').evaluateAll((as) => as.map((a) => a.dataset.id));
        assert.equal(all.length, 12);
        assert.ok(
            all.every((id) => id.startsWith('cchc-')),
            all.join(),
        );
        await page.screenshot({ path: path.join(SHOTS, 'dashboards.png') });
    });

    it('opens a dashboard: the number shows the vi-formatted value and its light in words', async () => {
        const start = w.requests.length;
        await page.locator('a.dash-link[data-id="cchc-tong-quan"]').click();
        await page.waitForSelector('#dash-view[data-state="ready"][data-dashboard="cchc-tong-quan"]', {
            timeout: 30000,
        });
        assert.equal(location(await page.url()), '#dashboards/cchc-tong-quan');
        const so1 = page.locator('.dash-panel[data-panel="so-1"]');
        assert.equal(await so1.getAttribute('data-state'), 'ready');
        // province: 100 × (30·700 + 30·560 + 35·400) / 95,000 = 54.526… % → amber
        assert.equal(await so1.locator('.dash-number').textContent(), '54,5');
        assert.equal((await so1.locator('.dash-uom').textContent()).trim(), '%');
        assert.equal(await so1.locator('.dash-light').textContent(), 'Cảnh báo');
        assert.match(await so1.locator('.dash-target').textContent(), /Mục tiêu: 60/);
        assert.equal(await so1.locator('.dash-prev').textContent(), 'Kỳ trước: 50');
        const [y, m] = PERIOD.split('-');
        assert.match(await so1.locator('.dash-period').textContent(), new RegExp(`^${m}/${y}$`));
        // no values for the other indicators: "no data", cleanly
        assert.equal(await page.locator('.dash-panel[data-panel="so-2"]').getAttribute('data-state'), 'empty');
        assert.equal(await page.locator('.dash-panel[data-panel="so-2"] .dash-empty').textContent(), 'Chưa có số liệu');
        assert.equal(await page.locator('.dash-panel[data-state="error"]').count(), 0);
        // choropleth: 95 communes coloured by their light, with a legend in words
        assert.equal(await page.locator('.dash-panel[data-panel="ban-do"] path.dash-commune').count(), 95);
        assert.equal(await page.locator('.dash-panel[data-panel="ban-do"] path.dash-fill-green').count(), 30);
        assert.equal(await page.locator('.dash-panel[data-panel="ban-do"] path.dash-fill-amber').count(), 30);
        assert.equal(await page.locator('.dash-panel[data-panel="ban-do"] path.dash-fill-red').count(), 35);
        const legend = await page.locator('.dash-panel[data-panel="ban-do"] .dash-legend').textContent();
        for (const word of ['Đạt', 'Cảnh báo', 'Không đạt']) assert.ok(legend.includes(word), legend);
        // the map and the table: every commune in one request (values/units), none per commune
        const asked = w.requests.slice(start);
        const units = asked.filter((u) => /\/api\/v1\/indicators\/[^/]+\/values\/units\?/.test(u));
        const maps = await page.locator('.dash-panel[data-type="choropleth"], .dash-panel[data-type="table"]').count();
        assert.ok(units.length >= 1 && units.length <= maps, `${units.length} values/units requests, ${maps} panels`);
        assert.ok(
            units.every((u) => !/[?&]parent=/.test(u)),
            units.join(),
        );
        const perUnit = asked.filter((u) => /\/values\?(.*&)?unit=/.test(u));
        assert.deepEqual(perUnit, []);
        // table: the 10 lowest (order asc), 40 % each, "Không đạt"
        const rows = page.locator('.dash-panel[data-panel="xep-hang"] tbody tr');
        assert.equal(await rows.count(), 10);
        assert.equal(await rows.first().locator('td.num').textContent(), '40');
        assert.equal(await rows.first().locator('.dash-light').textContent(), 'Không đạt');
        // the line: a uPlot canvas
        assert.equal((await page.locator('.dash-panel[data-panel="xu-huong"] canvas').count()) > 0, true);
        await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });
    });

    it('the period picker changes the roll-up, kept in the URL', async () => {
        const before = w.requests.length;
        await page.locator('.dash-kind[data-kind="quarter"]').click();
        await page.waitForSelector('#dash-view[data-state="ready"][data-kind="quarter"]', { timeout: 30000 });
        assert.equal(location(await page.url()), '#dashboards/cchc-tong-quan?p=quarter');
        assert.ok(w.requests.slice(before).some((u) => /\/values\?.*rollup=quarter/.test(u)));
        const q = Math.floor((Number(PERIOD.slice(5)) - 1) / 3) + 1;
        assert.match(
            await page.locator('.dash-panel[data-panel="so-1"] .dash-period').textContent(),
            new RegExp(`^Quý ${q}/${PERIOD.slice(0, 4)}$`),
        );
        await page.locator('.dash-kind[data-kind="month"]').click();
        await page.waitForSelector('#dash-view[data-state="ready"][data-kind="month"]', { timeout: 30000 });
    });

    it('drills down to a commune from the table and the map, and back to the province', async () => {
        const row = page.locator('.dash-panel[data-panel="xep-hang"] a.dash-drill').first();
        const code = await row.getAttribute('data-code');
        const name = await row.textContent();
        await row.click();
        await page.waitForSelector(`#dash-view[data-state="ready"][data-unit="${code}"]`, { timeout: 30000 });
        assert.equal(location(await page.url()), `#dashboards/cchc-tong-quan?unit=${code}`);
        assert.ok((await page.locator('#dash-unit').textContent()).includes(name));
        const so1 = page.locator('.dash-panel[data-panel="so-1"]');
        assert.equal(await so1.locator('.dash-number').textContent(), '40');
        assert.equal(await so1.locator('.dash-light').textContent(), 'Không đạt');
        // the choropleth (unit "province") still shows every commune, the one viewed marked
        assert.equal(await page.locator('.dash-panel[data-panel="ban-do"] path.dash-commune').count(), 95);
        const marked = page.locator('.dash-panel[data-panel="ban-do"] path.dash-selected');
        assert.equal(await marked.getAttribute('data-code'), code);
        await page.locator('#dash-back').click();
        await page.waitForSelector('#dash-view[data-state="ready"][data-unit=""]', { timeout: 30000 });
        assert.equal(await so1.locator('.dash-number').textContent(), '54,5');
        // a click on the map: the first commune of the GeoJSON has 70 % → "Đạt"
        const first = page.locator(`.dash-panel[data-panel="ban-do"] path[data-code="${communes[0].code}"]`);
        await first.scrollIntoViewIfNeeded();
        const at = await first.evaluate(pointInside);
        assert.ok(at, 'a point of the commune that is on top');
        await page.mouse.click(at.x, at.y);
        await page.waitForSelector(`#dash-view[data-state="ready"][data-unit="${communes[0].code}"]`, {
            timeout: 30000,
        });
        assert.equal(await so1.locator('.dash-number').textContent(), '70');
        assert.equal(await so1.locator('.dash-light').textContent(), 'Đạt');
        await page.goBack();
        await page.waitForSelector('#dash-view[data-state="ready"][data-unit=""]', { timeout: 30000 });
    });

    it('switches to English with en-GB numbers', async () => {
        await page.locator('.lang-button[data-lang="en"]').click();
        const so1 = page.locator('.dash-panel[data-panel="so-1"]');
        await page.waitForFunction(
            () => document.querySelector('.dash-panel[data-panel="so-1"] .dash-light')?.textContent === 'Warning',
        );
        assert.equal(await so1.locator('.dash-number').textContent(), '54.5');
        assert.equal(await page.locator('#dash-back-list').textContent(), '← All dashboards');
        await page.locator('.lang-button[data-lang="vi"]').click();
        await page.waitForFunction(
            () => document.querySelector('.dash-panel[data-panel="so-1"] .dash-light')?.textContent === 'Cảnh báo',
        );
    });

    it('has no console errors and asks nothing of another origin', () => {
        assert.deepEqual(w.errors(ALLOWED), []);
        assert.deepEqual(w.foreign, []);
    });

    it('wall mode rotates, reloads each time, and keeps going after iocd restarts', async () => {
        await page.goto(server.base + '/#wall?ids=cchc-tong-quan,cchc-nhom-1&every=3');
        await page.waitForSelector('#wall[data-state="ready"][data-id="cchc-tong-quan"]', { timeout: 30000 });
        assert.equal(await page.locator('.topbar').isHidden(), true);
        assert.equal(await page.locator('body').evaluate((b) => getComputedStyle(b).cursor), 'none');
        assert.equal(
            await page.locator('#dash-view .dash-panel[data-panel="so-1"] .dash-number').textContent(),
            '54,5',
        );
        await page.waitForSelector('#wall[data-state="ready"][data-id="cchc-nhom-1"]', { timeout: 30000 });
        // the sum of files received over the 95 communes
        assert.equal(
            await page.locator('#dash-view .dash-panel[data-panel="so-1"] .dash-number').textContent(),
            '95.000',
        );
        await page.screenshot({ path: path.join(SHOTS, 'wall.png') });
        const before = w.requests.filter((u) => /\/dashboards\/cchc-tong-quan$/.test(u)).length;
        await page.waitForSelector('#wall[data-id="cchc-tong-quan"]', { timeout: 30000 });
        assert.ok(w.requests.filter((u) => /\/dashboards\/cchc-tong-quan$/.test(u)).length > before, 'reloaded');

        await server.stop();
        await page.waitForSelector('#wall[data-state="retrying"]', { timeout: 30000 });
        const rotations = Number(await page.locator('#wall').getAttribute('data-rotations'));
        await server.start();
        await page.waitForFunction(
            (r) => Number(document.querySelector('#wall').dataset.rotations) > r + 1,
            rotations,
            {
                timeout: 30000,
            },
        );
        assert.equal(await page.locator('#wall').getAttribute('data-state'), 'ready');
        assert.deepEqual(
            w.errors(ALLOWED).filter((e) => !DOWN.test(e)),
            [],
        );
        assert.deepEqual(w.foreign, []);
    });
});

/** A point in the page where this SVG path is what a click hits (scanning its box). */
function pointInside(path) {
    const r = path.getBoundingClientRect();
    for (let i = 1; i < 24; i++) {
        for (let j = 1; j < 24; j++) {
            const x = r.left + (r.width * i) / 24;
            const y = r.top + (r.height * j) / 24;
            if (document.elementFromPoint(x, y) === path) return { x, y };
        }
    }
    return null;
}

function location(url) {
    return new URL(url).hash;
}
