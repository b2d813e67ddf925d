// console.test.mjs — the operator console at / in headless Chromium against a real `iocd --demo`.
//
// Run: npm run build && node --test tests/web/   (needs build/iocd, build/web, /usr/bin/chromium)
// Each check is one `it`, in order, sharing one server and one browser. Writes its screenshot to
// build/screenshots/console.png (IOC_SCREENSHOT_DIR overrides: `make screenshots` points it at
// docs/screenshots/, the README picture), so a test run leaves every tracked file as it was.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startIocd, ROOT, PASSWORDS } from './lib/iocd.mjs';
import { launch, watch } from './lib/browser.mjs';
import {
    loadCommunes,
    loadProvince,
    interiorPoint,
    contains,
    edgeDistance,
    bbox,
    toPixel,
    toLonLat,
} from './lib/geo.mjs';

const VIEWPORT = { width: 1280, height: 800 };
const FIRST_LOAD_BUDGET = 600 * 1024;
const SCREENSHOT = path.join(
    path.resolve(ROOT, process.env.IOC_SCREENSHOT_DIR || path.join('build', 'screenshots')),
    'console.png',
);
// Expected 4xx answers the browser logs as "Failed to load resource".
const LOOKUP_404 = /status of 404.*\/api\/v1\/units\/lookup/;
const SESSION_401 = /status of 401.*\/api\/v1\/session/;

const communes = loadCommunes();
const province = loadProvince();
const byCode = new Map(communes.map((f) => [String(f.properties.code), f]));

let server;
let browser;
let context;
let page;
let w;

async function bounds(p = page) {
    const b = await p.locator('#map').getAttribute('data-bounds');
    return b.split(',').map(Number);
}

async function waitDrawn(p = page) {
    await p.waitForSelector('#map[data-state="ready"]', { timeout: 20000 });
}

async function openPage() {
    page = await context.newPage();
    w = watch(page, server.base);
    await page.goto(server.base + '/');
    await waitDrawn();
}

// Inside the visible map, clear of the header, legend, zoom buttons and the side panel.
async function safeArea() {
    const box = await page.locator('#map').boundingBox();
    return { box, x0: box.x + 220, x1: box.x + box.width - 420, y0: box.y + 40, y1: box.y + box.height - 60 };
}

describe('operator console at /', { concurrency: 1 }, () => {
    before(async () => {
        server = await startIocd();
        browser = await launch();
        context = await browser.newContext({ viewport: VIEWPORT });
    });

    after(async () => {
        if (browser) await browser.close();
        if (server) await server.stop();
    });

    it('loads with no console error, nothing from another origin, 95 communes, within 600 KB', async (t) => {
        await openPage();
        await page.waitForLoadState('networkidle');
        assert.equal(await page.locator('#map path.ioc-commune').count(), 95);
        assert.equal(await page.locator('#map').getAttribute('data-communes'), '95');
        assert.equal((await page.locator('#map path.ioc-outline').count()) >= 1, true, 'province outline drawn');
        assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
        assert.equal(await page.locator('#brand-sub').textContent(), 'Trung tâm giám sát, điều hành thông minh');
        assert.deepEqual(w.foreign, [], 'requests to another origin');
        assert.deepEqual(w.errors(), [], 'console errors');
        assert.equal(
            w.requests.filter((u) => u.includes('/api/v1/units.geojson')).length,
            2,
            'boundaries fetched once each (preloaded)',
        );
        await page.waitForTimeout(3500); // Chromium warns about a preload left unused ~3 s after load
        assert.deepEqual(
            w.warnings.filter((t) => /preload/i.test(t)),
            [],
            'preloads used',
        );
        const bytes = await w.bytes();
        t.diagnostic(`first load: ${w.requests.length} requests, ${bytes} bytes`);
        assert.ok(bytes <= FIRST_LOAD_BUDGET, `first load moved ${bytes} bytes (budget ${FIRST_LOAD_BUDGET})`);
        const fav = await context.request.get(server.base + '/favicon.ico');
        assert.equal(fav.status(), 200, 'favicon.ico');
    });

    it('finds bien hoa, BIÊN HOÀ and tran bien as you type', async () => {
        const input = page.locator('#search-input');
        for (const [q, code] of [
            ['BIÊN HOÀ', '26068'],
            ['tran bien', '26041'],
            ['bien hoa', '26068'],
        ]) {
            await input.fill('');
            await input.pressSequentially(q, { delay: 20 });
            const option = page.locator(`#search-list [role="option"][data-code="${code}"]`);
            await option.waitFor({ state: 'visible' });
            assert.ok((await option.textContent()).includes(byCode.get(code).properties.name), `${q} lists ${code}`);
            assert.equal(await input.getAttribute('aria-expanded'), 'true');
        }
    });

    it('zooms to Biên Hoà and shows it on Enter', async () => {
        const before = await bounds();
        const input = page.locator('#search-input');
        await input.press('ArrowDown');
        assert.equal(await input.getAttribute('aria-activedescendant'), 'search-opt-0');
        await input.press('Enter');
        const [bw, bs, be, bn] = bbox(byCode.get('26068').geometry);
        await page.waitForFunction(
            ([w0, s0, e0, n0]) => {
                const b = document.getElementById('map').dataset.bounds.split(',').map(Number);
                return b[0] <= w0 && b[1] <= s0 && b[2] >= e0 && b[3] >= n0 && b[2] - b[0] < 1;
            },
            [bw, bs, be, bn],
        );
        const after = await bounds();
        assert.ok(after[2] - after[0] < (before[2] - before[0]) / 4, `zoomed in: ${before} → ${after}`);
        await page.waitForSelector('#panel[data-state="unit"][data-code="26068"]');
        assert.equal(await page.locator('#panel-title').textContent(), 'Phường Biên Hoà');
        assert.match(await page.locator('#panel [data-field="area"]').textContent(), /^\d{1,3}(\.\d{3})*,\d km²$/);
        assert.ok((await page.locator('#panel .pred').count()) >= 1, 'formed-from list');
        assert.equal(await page.locator('#map path[data-code="26068"]').getAttribute('stroke'), '#c1121f');
        assert.equal(await input.getAttribute('aria-expanded'), 'false');
    });

    it('closes the panel with Escape', async () => {
        await page.locator('#map').focus();
        await page.keyboard.press('Escape');
        await page.waitForSelector('#panel', { state: 'hidden' });
    });

    it('is usable with the keyboard alone', async () => {
        await page.reload();
        await waitDrawn();
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), '#map');
        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'map');
        const zoom = Number(await page.locator('#map').getAttribute('data-zoom'));
        await page.keyboard.press('Equal'); // "+" zooms in
        await page.waitForFunction((z) => Number(document.getElementById('map').dataset.zoom) > z, zoom);
        await page.keyboard.press('Enter'); // what is at the centre
        await page.waitForSelector('#panel[data-state="unit"]');
        await page.keyboard.press('Escape');
        await page.waitForSelector('#panel', { state: 'hidden' });
        await page.locator('#search-input').focus();
        await page.keyboard.type('bien hoa');
        await page.keyboard.press('Enter'); // no option chosen: the first match
        await page.waitForSelector('#panel[data-state="unit"][data-code="26068"]');
        await page.keyboard.press('Escape'); // the list is closed and the box not empty: clear it
        assert.equal(await page.locator('#search-input').inputValue(), '');
        await page.keyboard.press('Escape'); // then the panel
        await page.waitForSelector('#panel', { state: 'hidden' });
    });

    it('shows the commune at a clicked point inside it', async () => {
        await page.reload();
        await waitDrawn();
        const { box, x0, x1, y0, y1 } = await safeArea();
        const view = await bounds();
        // Large communes first; a point ≥ 1.5 km from the edges lands inside the simplified shape too.
        let pick = null;
        for (const f of [...communes].sort((a, b) => b.properties.area_km2 - a.properties.area_km2)) {
            const c = interiorPoint(f.geometry, 16);
            if (!c.pt || c.margin < 1500) continue;
            const px = toPixel(c.pt, view, box);
            if (px.x > x0 && px.x < x1 && px.y > y0 && px.y < y1) {
                pick = { f, ...c };
                break;
            }
        }
        assert.ok(pick, 'a commune with an interior point in the visible area');
        assert.ok(contains(pick.f.geometry, pick.pt));
        const px = toPixel(pick.pt, view, box);
        await page.mouse.click(px.x, px.y);
        const code = String(pick.f.properties.code);
        await page.waitForSelector(`#panel[data-state="unit"][data-code="${code}"]`);
        assert.equal(await page.locator('#panel-title').textContent(), pick.f.properties.full_name);
        assert.equal(await page.locator('#panel [data-field="code"]').textContent(), code);
        await page.mouse.move(px.x, px.y + 1); // the hover tooltip shows the name too
        await page.waitForSelector('.ioc-tooltip');
        assert.equal(await page.locator('.ioc-tooltip').textContent(), pick.f.properties.full_name);
        fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT });
    });

    it('says so for a click outside the province', async () => {
        const { box, x0, x1, y0, y1 } = await safeArea();
        const view = await bounds();
        const outline = province[0].geometry;
        let spot = null;
        for (let y = y0; y < y1 && !spot; y += 20) {
            for (let x = x0; x < x1 && !spot; x += 20) {
                const pt = toLonLat({ x, y }, view, box);
                if (
                    !contains(outline, pt) &&
                    !communes.some((f) => contains(f.geometry, pt)) &&
                    edgeDistance(outline, pt) > 3000
                ) {
                    spot = { x, y };
                }
            }
        }
        assert.ok(spot, 'a visible point outside the province');
        await page.mouse.click(spot.x, spot.y);
        await page.waitForSelector('#panel[data-state="outside"]');
        assert.equal(await page.locator('#panel-title').textContent(), 'Ngoài địa giới');
        assert.deepEqual(w.errors([LOOKUP_404]), []);
    });

    it('switches the header to English and remembers it', async () => {
        await page.locator('.lang-button[data-lang="en"]').click();
        assert.equal(await page.locator('#brand-sub').textContent(), 'Intelligent Operations Center');
        assert.equal(await page.locator('html').getAttribute('lang'), 'en');
        assert.equal(await page.locator('#login-button').textContent(), 'Log in');
        assert.equal(await page.locator('#panel-title').textContent(), 'Outside the boundary');
        await page.reload();
        await waitDrawn();
        assert.equal(await page.locator('#brand-sub').textContent(), 'Intelligent Operations Center');
        await page.locator('.lang-button[data-lang="vi"]').click();
        assert.equal(await page.locator('#brand-sub').textContent(), 'Trung tâm giám sát, điều hành thông minh');
        assert.equal(await page.locator('.lang-button[data-lang="vi"]').getAttribute('aria-pressed'), 'true');
    });

    it('logs the demo operator in and out', async () => {
        await page.locator('#login-button').click();
        await page.locator('#login-username').fill('operator');
        await page.locator('#login-password').fill('wrong password');
        await page.locator('#login-submit').click();
        await page.waitForSelector('#login-error:not([hidden])');
        assert.equal(await page.locator('#login-error').textContent(), 'Sai tên đăng nhập hoặc mật khẩu.');
        await page.locator('#login-password').fill(PASSWORDS.operator);
        await page.keyboard.press('Enter');
        await page.waitForSelector('#user:not([hidden])');
        const session = await (await context.request.get(server.base + '/api/v1/session')).json();
        assert.equal(session.user.role, 'operator');
        assert.equal(await page.locator('#user-name').textContent(), session.user.display_name);
        assert.equal(await page.locator('#user-role').textContent(), 'Điều hành viên');
        await page.reload();
        await waitDrawn();
        await page.waitForSelector('#user:not([hidden])');
        assert.equal(await page.locator('#user-name').textContent(), session.user.display_name);
        await page.locator('#logout-button').click();
        await page.waitForSelector('#login-button:not([hidden])');
        assert.equal(await page.locator('#user').isHidden(), true);
        assert.equal((await context.request.get(server.base + '/api/v1/session')).status(), 401);
        assert.deepEqual(w.errors([SESSION_401, LOOKUP_404]), []);
        assert.deepEqual(w.foreign, []);
    });
});
