// sensors.test.mjs — the "Dữ liệu cảm biến" screen (web/src/js/sensors.js) in headless Chromium
// against a real `iocd --demo`, whose synthetic sensors (src/telemetry/demo.c) fill it.
//
// Run: npm run build && node --test tests/web/sensors.test.mjs (needs build/iocd, build/web).
// The live update is checked through whichever is there: the SSE route GET /api/v1/stream, or,
// without it (404), the polling of /api/v1/latest every 10 s. Writes build/screenshots/sensors.png
// (IOC_SCREENSHOT_DIR overrides, as in console.test.mjs).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startIocd, ROOT, PASSWORDS } from './lib/iocd.mjs';
import { launch, watch } from './lib/browser.mjs';

const VIEWPORT = { width: 1280, height: 800 };
const SCREENSHOT = path.join(
    path.resolve(ROOT, process.env.IOC_SCREENSHOT_DIR || path.join('build', 'screenshots')),
    'sensors.png',
);
// Expected 4xx answers the browser logs: no session yet; no stream route (before it lands).
const ALLOWED = [/status of 401.*\/api\/v1\/session/, /status of 404.*\/api\/v1\/stream/, /EventSource.*404/];

const fold = (s) =>
    s
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[đĐ]/g, 'd')
        .toLowerCase();

let server;
let browser;
let page;
let w;

describe('sensor data screen', { concurrency: 1 }, () => {
    before(async () => {
        server = await startIocd();
        // the demo writes a year of hourly history oldest first (a few seconds): the screen's
        // last day is there once its backfill is logged (at most 60 s are waited for it)
        for (let i = 0; i < 600 && !server.output().includes('demo sensors: backfilled'); i++) {
            await new Promise((res) => setTimeout(res, 100));
        }
        browser = await launch();
        const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
        page = await context.newPage();
        w = watch(page, server.base);
    });

    after(async () => {
        if (browser) await browser.close();
        if (server) await server.stop();
    });

    it('is hidden from anonymous users and its code is not in the first load', async () => {
        await page.goto(server.base + '/');
        await page.waitForSelector('#map[data-state="ready"]', { timeout: 20000 });
        assert.equal(await page.locator('#nav-sensors').isHidden(), true);
        assert.ok(!w.requests.some((u) => /uplot|sensors/i.test(u)), 'nothing of the screen loaded yet');
        const scripts = w.requests.filter((u) => u.endsWith('.js')).length;
        await page.goto(server.base + '/#sensors');
        await page.locator('#sensors-signin').waitFor({ state: 'visible' });
        assert.match(await page.locator('#sensors-signin').textContent(), /Đăng nhập/);
        assert.ok(w.requests.filter((u) => u.endsWith('.js')).length >= scripts);
    });

    it('opens after login, from the nav, with the demo measurements', async () => {
        await page.goto(server.base + '/');
        await page.locator('#login-button').click();
        await page.locator('#login-username').fill('operator');
        await page.locator('#login-password').fill(PASSWORDS.operator);
        await page.locator('#login-submit').click();
        await page.locator('#nav-sensors').waitFor({ state: 'visible' });
        const before = w.requests.length;
        await page.locator('#nav-sensors').click();
        await page.waitForSelector('#sensors-body[data-state="empty"]', { timeout: 15000 });
        assert.ok(
            w.requests.slice(before).some((u) => /\/assets\/chunk-.*\.js$/.test(u)),
            'the screen came as its own chunk',
        );
        const ms = await page.locator('#sensors-m option').evaluateAll((os) => os.map((o) => o.value));
        for (const m of ['air', 'power', 'traffic', 'water']) assert.ok(ms.includes(m), `${m} in ${ms}`);
        assert.equal(await page.locator('#sensors-m').inputValue(), 'air');
        assert.match(await page.locator('#sensors-empty').textContent(), /Chọn ít nhất một trạm/);
        assert.match(await page.locator('#sensors-note').textContent(), /giả lập/);
        assert.match(page.url(), /#sensors\?m=air&f=/);
    });

    it('finds the Biên Hoà station by "bien hoa" and draws its chart', async () => {
        await page.locator('#sensors-f').selectOption('pm25');
        await page.locator('#sensors-q').fill('bien hoa');
        const items = page.locator('#sensors-list input[type="checkbox"]');
        const labels = await items.evaluateAll((xs) => xs.map((x) => x.dataset.label));
        assert.ok(labels.length >= 1, 'some station found');
        for (const l of labels) assert.ok(fold(l).includes('bien hoa'), l);
        assert.ok(
            labels.some((l) => l.normalize('NFC').includes('Biên Hoà') || l.includes('Biên Hòa')),
            `${labels}`,
        );
        const query = page.waitForRequest((r) => r.url().includes('/api/v1/query?'));
        await items.first().check();
        const url = new URL((await query).url());
        assert.equal(url.searchParams.get('step'), '5m', 'one day is read in 5 min buckets');
        assert.equal(url.searchParams.get('agg'), 'mean');
        await page.waitForSelector('#sensors-body[data-state="ready"]');
        assert.match(page.url(), /[#&?]s=AQ-[A-Z0-9]+/);
        const ink = await page.evaluate(() => {
            let n = 0;
            for (const c of document.querySelectorAll('#sensors-chart canvas')) {
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
            }
            return n;
        });
        assert.ok(ink > 2000, `the chart has ink (${ink} pixels)`);
        const ticks = (await page.locator('#sensors-chart').getAttribute('data-ticks')).split('|');
        assert.ok(ticks.length >= 3 && ticks.every((x) => /\d\d:\d\d\n\d\d\/\d\d$/.test(x)), ticks.join(' '));
        assert.match(await page.locator('#sensors-legend').textContent(), /µg\/m³ lúc \d\d\/\d\d\/\d{4} \d\d:\d\d/);
        assert.match(await page.locator('#sensors-period').textContent(), /^Từ \d\d\/\d\d\/\d{4} \d\d:\d\d đến/);
    });

    it('asks for the rollup of each range', async () => {
        for (const [range, step, tick] of [
            ['1mo', '1h', /^\d\d\/\d\d$/],
            ['1y', '1d', /^\d\d\/\d\d\/\d{4}$/],
            ['1h', '10s', /^\d\d:\d\d\n\d\d\/\d\d$/],
        ]) {
            const query = page.waitForRequest((r) => r.url().includes('/api/v1/query?'));
            await page.locator(`#sensors-ranges [data-range="${range}"]`).click();
            assert.equal(new URL((await query).url()).searchParams.get('step'), step, range);
            await page.waitForSelector('#sensors-body[data-state="ready"]');
            assert.equal(await page.locator(`[data-range="${range}"]`).getAttribute('aria-pressed'), 'true');
            assert.match(page.url(), new RegExp(`r=${range}`));
            const ticks = (await page.locator('#sensors-chart').getAttribute('data-ticks')).split('|');
            assert.ok(ticks.length >= 2 && ticks.every((x) => tick.test(x)), `${range}: ${ticks.join(' ')}`);
        }
    });

    // The demo writes every 10 s: the stream shows a point within about 10 s; polling every
    // 10 s may see it up to 10 s later.
    it('receives a live point (stream: within 15 s; polling: within 21 s)', { timeout: 30000 }, async (t) => {
        const mode = await page.locator('#sensors-live').getAttribute('data-mode');
        t.diagnostic(`live mode: ${mode}`);
        const text = await page.locator('#sensors-live').textContent();
        assert.ok(
            (mode === 'stream' && /Trực tiếp/.test(text)) || (mode === 'poll' && /Cập nhật mỗi 10 giây/.test(text)),
            `${mode}: ${text}`,
        );
        const legend = await page.locator('#sensors-legend').textContent();
        const before = Number((await page.locator('#sensors-body').getAttribute('data-live-count')) || 0);
        await page.waitForFunction(
            (n) => Number(document.getElementById('sensors-body').dataset.liveCount || 0) > n,
            before,
            { timeout: mode === 'stream' ? 15000 : 21000 },
        );
        assert.equal(await page.locator('#sensors-live').getAttribute('data-mode'), mode);
        assert.match(await page.locator('#sensors-legend').textContent(), /lúc \d\d\/\d\d\/\d{4}/);
        t.diagnostic(`legend before: ${legend}`);
    });

    it('downloads the view as CSV', async () => {
        const href = await page.locator('#sensors-csv').getAttribute('href');
        assert.match(href, /format=csv/);
        const download = page.waitForEvent('download');
        await page.locator('#sensors-csv').click();
        const file = await (await download).path();
        const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
        assert.equal(lines[0], 'time,station,value');
        assert.ok(lines.length > 100, `${lines.length} lines`);
        assert.match(lines[lines.length - 1], /^\d{4}-\d\d-\d\dT[\d:.]+Z,AQ-[A-Z0-9]+,[\d.]*$/);
    });

    it('switches to English and keeps the state in the URL', async () => {
        await page.locator('.lang-button[data-lang="en"]').click();
        assert.equal(await page.locator('#sensors-title').textContent(), 'Sensor data');
        assert.equal(await page.locator('[data-range="1h"]').textContent(), '1 hour');
        assert.equal(await page.locator('#sensors-csv').textContent(), 'Download CSV');
        assert.match(await page.locator('#sensors-note').textContent(), /synthetic/);
        assert.match(await page.locator('#sensors-period').textContent(), /^From \d\d\/\d\d\/\d{4} \d\d:\d\d to/);
        const url = page.url();
        await page.reload();
        await page.waitForSelector('#sensors-body[data-state="ready"]', { timeout: 20000 });
        assert.equal(page.url(), url);
        assert.equal(await page.locator('#sensors-list input:checked').count(), 1);
        fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.locator('.lang-button[data-lang="vi"]').click();
        assert.match(await page.locator('#sensors-period').textContent(), /^Từ /);
        await page.screenshot({ path: SCREENSHOT });
        assert.deepEqual(w.errors(ALLOWED), []);
        assert.deepEqual(w.foreign, []);
    });
    // The client side of the stream's contract, whether or not iocd has the route yet: a faked
    // answer with one "points" event; the point shows at once and the screen says "Trực tiếp".
    it('applies the "points" events of GET /api/v1/stream', async () => {
        const station = /[?&]s=([^&]+)/.exec(page.url())[1];
        await page.route('**/api/v1/stream?*', (route) => {
            const now = Date.now();
            const point = { measurement: 'air', field: 'pm25', tags: { station }, time: new Date(now).toISOString() };
            const data = JSON.stringify({ points: [{ ...point, t: now, value: 99.5 }] });
            route.fulfill({
                status: 200,
                headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
                body: `retry: 60000\n: ping\n\nid: 1\nevent: points\ndata: ${data}\n\n`,
            });
        });
        await page.reload();
        await page.waitForSelector('#sensors-body[data-state="ready"]', { timeout: 20000 });
        await page.waitForFunction(
            () => Number(document.getElementById('sensors-body').dataset.liveCount || 0) > 0,
            null,
            {
                timeout: 5000,
            },
        );
        assert.equal(await page.locator('#sensors-live').getAttribute('data-mode'), 'stream');
        assert.match(await page.locator('#sensors-live').textContent(), /Trực tiếp/);
        assert.match(await page.locator('#sensors-legend').textContent(), /99,5 µg\/m³/);
        await page.unroute('**/api/v1/stream?*');
    });
});
