// aqi.test.mjs — the environment screens in headless Chromium against a real `iocd --demo`, whose
// synthetic stations (data/environment/stations.csv) and readings fill them:
//   - the public page /aqi (web/src/aqi.html, js/aqi.js): every air station of the API's answer,
//     with its AQI and class name as the API gives them, highest first; the synthetic note; English;
//     no horizontal scroll at 360 px;
//   - the console's station layer (js/env_layer.js) and panel (js/env_panel.js): AQI labels with
//     the class in words, the layer toggle, a station opened with the keyboard and its 48-hour chart
//     drawn, the sub-index table; a water-level station's level and alarm in words, its chart with
//     the alarm lines, and a level written meanwhile shown live (no reload).
// Run: make all web && node --test tests/web/aqi.test.mjs. Writes build/screenshots/aqi.png
// (IOC_SCREENSHOT_DIR overrides; `make screenshots` writes docs/screenshots/).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startIocd, ROOT, PASSWORDS } from './lib/iocd.mjs';
import { launch, watch } from './lib/browser.mjs';
import { getJson, signIn, writeLines } from './lib/api.mjs';

const SHOTS = path.resolve(ROOT, process.env.IOC_SCREENSHOT_DIR || path.join('build', 'screenshots'));
// Expected 4xx answers the browser logs: no session yet.
const ALLOWED = [/status of 401.*\/api\/v1\/session/];
const CLASS_VI = ['Tốt', 'Trung bình', 'Kém', 'Xấu', 'Rất xấu', 'Nguy hại'];
const CLASS_EN = ['Good', 'Moderate', 'Poor', 'Bad', 'Very bad', 'Hazardous'];

let server;
let browser;
let airCodes;
let water;

/** Pixels with ink in the canvases under selector. */
function ink(page, selector) {
    return page.evaluate((sel) => {
        let n = 0;
        for (const c of document.querySelectorAll(`${sel} canvas`)) {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        }
        return n;
    }, selector);
}

describe('environment screens', { concurrency: 1 }, () => {
    before(async () => {
        server = await startIocd();
        // the demo writes a year of hourly history first: the AQI of today is there once logged
        for (let i = 0; i < 600 && !server.output().includes('demo sensors: backfilled'); i++) {
            await new Promise((res) => setTimeout(res, 100));
        }
        const stations = (await getJson(server.base, '/api/v1/stations')).stations;
        airCodes = stations.filter((s) => s.kind === 'air').map((s) => s.code);
        water = stations.filter((s) => s.kind === 'water_level');
        assert.ok(airCodes.length >= 10 && water.length >= 3, `${airCodes.length} air, ${water.length} water`);
        browser = await launch();
    });

    after(async () => {
        if (browser) await browser.close();
        if (server) await server.stop();
    });

    it('/aqi lists every air station with the class the API gives, highest first, at 360 px', async () => {
        const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
        const page = await context.newPage();
        const w = watch(page, server.base);
        const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/aqi/latest');
        await page.goto(server.base + '/aqi');
        const api = await (await answer).json();
        await page.waitForSelector('#aqi-list[data-state="ready"]', { timeout: 30000 });
        const features = api.features;
        assert.deepEqual(features.map((f) => f.properties.code).sort(), [...airCodes].sort(), 'every air station');
        const withAqi = features.filter((f) => typeof f.properties.aqi === 'number');
        assert.ok(withAqi.length >= airCodes.length - 2, `${withAqi.length} stations have an AQI now`);

        const cards = await page.locator('li.aqi-card').evaluateAll((els) =>
            els.map((el) => ({
                code: el.dataset.station,
                aqi: el.dataset.aqi,
                cls: el.dataset.class,
                badge: el.querySelector('.aqi-class').textContent,
                text: el.textContent,
            })),
        );
        assert.equal(cards.length, features.length);
        for (const f of features) {
            const p = f.properties;
            const c = cards.find((x) => x.code === p.code);
            assert.ok(c, `card of ${p.code}`);
            if (typeof p.aqi !== 'number') {
                assert.equal(c.aqi, '');
                continue;
            }
            assert.equal(c.aqi, String(p.aqi), p.code);
            assert.equal(c.cls, String(p.class), p.code);
            assert.equal(c.badge, p.class_vi, p.code);
            assert.equal(p.class_vi, CLASS_VI[p.class - 1], `the API's class name of ${p.code}`);
            assert.ok(c.text.includes(p.name_vi), p.code);
            if (p.advice_vi) assert.ok(c.text.includes(p.advice_vi), `advice of ${p.code}`);
            if (p.dominant) assert.match(c.text, /Chất ô nhiễm chính: (PM2\.5|PM10|NO₂|SO₂|CO|O₃)/);
            assert.match(c.text, /Giờ kết thúc lúc \d\d\/\d\d\/\d{4} \d\d:00/);
        }
        const order = cards.map((c) => (c.aqi === '' ? -1 : Number(c.aqi)));
        for (let i = 1; i < order.length; i++) assert.ok(order[i - 1] >= order[i], `sorted: ${order}`);
        assert.equal(await page.locator('#aqi-synthetic').isVisible(), true);
        assert.match(await page.locator('#aqi-synthetic').textContent(), /Dữ liệu mẫu \(synthetic\)/);
        assert.equal(await page.locator('#aqi-classes li').count(), 6);
        await page.waitForSelector('#aqi-map[data-state="ready"]');
        assert.equal(await page.locator('#aqi-map').getAttribute('data-stations'), String(features.length));
        // its labels: none covers another (the collapsed ones keep their point only)
        await page.waitForSelector('#aqi-map[data-labels-collapsed]');
        const boxes = await page.locator('#aqi-map .env-pin').evaluateAll((els) =>
            els
                .filter((el) => getComputedStyle(el).visibility === 'visible')
                .map((el) => {
                    const b = el.getBoundingClientRect();
                    return [b.left, b.top, b.right, b.bottom];
                }),
        );
        assert.ok(boxes.length > 0);
        for (let i = 0; i < boxes.length; i++)
            for (let j = i + 1; j < boxes.length; j++) {
                const [a, b] = [boxes[i], boxes[j]];
                assert.ok(
                    !(a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]),
                    `/aqi labels ${i} and ${j} meet`,
                );
            }
        const [scrollWidth, innerWidth] = await page.evaluate(() => [
            document.documentElement.scrollWidth,
            window.innerWidth,
        ]);
        assert.ok(scrollWidth <= innerWidth, `no horizontal scroll: ${scrollWidth} > ${innerWidth}`);
        fs.mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: path.join(SHOTS, 'aqi.png') });

        await page.locator('.lang-button[data-lang="en"]').click();
        const first = withAqi.sort((a, b) => b.properties.aqi - a.properties.aqi)[0].properties;
        const card = page.locator(`li.aqi-card[data-station="${first.code}"]`);
        assert.equal(await card.locator('.aqi-class').textContent(), first.class_en);
        assert.equal(first.class_en, CLASS_EN[first.class - 1]);
        assert.ok((await card.textContent()).includes(first.name_en));
        assert.match(await page.locator('#aqi-synthetic').textContent(), /Synthetic data/);
        assert.deepEqual(w.errors(ALLOWED), []);
        assert.deepEqual(w.foreign, []);
        await context.close();
    });

    it('the console shows AQI labels with the class in words, a layer toggle and a station panel', async () => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        const w = watch(page, server.base);
        await page.goto(server.base + '/');
        await page.waitForSelector('#map[data-env="ready"]', { timeout: 30000 });
        const api = await getJson(server.base, '/api/v1/aqi/latest');
        const pins = await page.locator('.env-pin[data-kind="air"]').evaluateAll((els) =>
            els.map((el) => ({
                code: el.dataset.station,
                cls: el.dataset.class,
                css: el.className,
                text: el.textContent,
            })),
        );
        assert.equal(pins.length, airCodes.length);
        let named = 0;
        for (const pin of pins) {
            const f = api.features.find((x) => x.properties.code === pin.code);
            assert.ok(f, pin.code);
            if (pin.cls === '0') continue;
            const k = Number(pin.cls);
            assert.match(pin.css, new RegExp(`\\benv-c${k}\\b`), 'the colour is the class');
            assert.match(pin.text, new RegExp(`^\\d+ ${CLASS_VI[k - 1]}$`), 'the class in words');
            named++;
        }
        assert.ok(named >= airCodes.length - 2, `${named} labels with a class`);

        // the layer control turns the air layer off and on again
        const toggle = page.locator('.leaflet-control-layers-overlays label', { hasText: 'Chất lượng không khí' });
        await toggle.locator('input').uncheck();
        assert.equal(await page.locator('.env-pin[data-kind="air"]').count(), 0);
        assert.ok((await page.locator('.env-pin[data-kind="water"]').count()) > 0, 'water stays');
        await toggle.locator('input').check();
        assert.equal(await page.locator('.env-pin[data-kind="air"]').count(), airCodes.length);

        // a station opened with the keyboard: its 48 hours drawn, its sub-indices, Escape closes
        const code = airCodes[0];
        await page.locator(`.env-marker:has(.env-pin[data-station="${code}"])`).focus();
        await page.keyboard.press('Enter');
        await page.waitForSelector(`#env-panel[data-state="ready"][data-station="${code}"]`, { timeout: 20000 });
        const points = Number(await page.locator('#env-hourly').getAttribute('data-points'));
        assert.ok(points >= 40 && points <= 48, `${points} hourly AQI points`);
        assert.ok(Number(await page.locator('#env-daily').getAttribute('data-points')) >= 25);
        assert.ok((await ink(page, '#env-hourly')) > 2000, 'the 48-hour chart has ink');
        assert.equal(await page.locator('#env-subs tbody tr').count(), 6);
        const pm25 = await page.locator('#env-subs tr[data-pollutant="pm25"] td').allTextContents();
        assert.match(pm25[1], /^\d+$/, 'the PM2.5 hourly sub-index');
        assert.match(await page.locator('#env-panel [data-field="aqi"]').textContent(), /^\d+ · \S/);
        await page.screenshot({ path: path.join(SHOTS, 'aqi-console.png') });
        await page.keyboard.press('Escape');
        assert.equal(await page.locator('#env-panel').isHidden(), true);
        assert.deepEqual(w.errors(ALLOWED), []);
        await context.close();
    });

    it('at the province zoom no two visible station labels meet; the worse AQI keeps its label', async () => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        const w = watch(page, server.base);
        await page.goto(server.base + '/');
        // the communes drawn (the province fitted) and the stations: then the labels' next count
        await page.waitForSelector('#map[data-state="ready"][data-env="ready"][data-labels-collapsed]', {
            timeout: 30000,
        });
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const labels = () =>
            page.locator('.env-marker').evaluateAll((els) =>
                els.map((m) => {
                    const pin = m.querySelector('.env-pin');
                    const b = pin.getBoundingClientRect();
                    return {
                        code: pin.dataset.station,
                        kind: pin.dataset.kind,
                        aqi: pin.dataset.aqi === undefined || pin.dataset.aqi === '' ? -1 : Number(pin.dataset.aqi),
                        collapsed: m.classList.contains('label-collapsed'),
                        visible: getComputedStyle(pin).visibility === 'visible',
                        box: [b.left, b.top, b.right, b.bottom],
                    };
                }),
            );
        const meet = (a, b, gap = 0) =>
            a[0] < b[2] + gap && b[0] < a[2] + gap && a[1] < b[3] + gap && b[1] < a[3] + gap;
        const check = (all) => {
            const shown = all.filter((l) => l.visible);
            for (let i = 0; i < shown.length; i++)
                for (let j = i + 1; j < shown.length; j++)
                    assert.ok(!meet(shown[i].box, shown[j].box), `${shown[i].code} meets ${shown[j].code}`);
            return shown;
        };
        const province = await labels();
        const zoom = Number(await page.locator('#map').getAttribute('data-zoom'));
        assert.ok(province.length >= airCodes.length, `${province.length} labels`);
        check(province);
        const collapsed = province.filter((l) => l.collapsed);
        assert.ok(collapsed.length > 0, 'at the province zoom some labels meet (the test would prove nothing)');
        assert.equal(await page.locator('#map').getAttribute('data-labels-collapsed'), String(collapsed.length));
        // every collapsed air label lost to a kept label it meets that ranks at least as high
        // (an air station with an AQI at least its own, or a water station at an alarm level)
        for (const c of collapsed.filter((l) => l.kind === 'air')) {
            const winners = province.filter((l) => !l.collapsed && meet(l.box, c.box, 2)); // its 2 px gap
            assert.ok(winners.length > 0, `${c.code} collapsed with no label on it`);
        }
        const airKept = province.filter((l) => l.kind === 'air' && !l.collapsed).map((l) => l.aqi);
        const airLost = collapsed.filter((l) => l.kind === 'air').map((l) => l.aqi);
        if (airLost.length) assert.ok(Math.max(...airKept) >= Math.max(...airLost), 'the worst AQI is shown');
        // a collapsed label keeps its point and comes back with the keyboard focus
        const one = collapsed[0];
        await page.locator(`.env-marker:has(.env-pin[data-station="${one.code}"])`).focus();
        assert.equal(
            await page
                .locator(`.env-pin[data-station="${one.code}"]`)
                .evaluate((el) => getComputedStyle(el).visibility),
            'visible',
        );
        await page.locator('#map').focus();
        // closer in: recomputed, still no overlap, and fewer labels collapsed
        // one step at a time: a click during the zoom animation is dropped by Leaflet
        for (const step of [1, 2]) {
            await page.locator('.leaflet-control-zoom-in').click();
            await page.waitForFunction(
                ([z, n]) => Number(document.getElementById('map').dataset.zoom) >= z + n,
                [zoom, step],
            );
        }
        // the recount runs on the frame after moveend
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const near = await labels();
        check(near);
        const nearCollapsed = near.filter((l) => l.collapsed).length;
        assert.ok(nearCollapsed < collapsed.length, `${nearCollapsed} collapsed closer in, ${collapsed.length} before`);
        assert.deepEqual(w.errors(ALLOWED), []);
        await context.close();
    });

    it('a water-level station shows its level and alarm in words, its chart, and live levels', async () => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        const w = watch(page, server.base);
        await page.goto(server.base + '/');
        await page.locator('#login-button').click();
        await page.locator('#login-username').fill('operator');
        await page.locator('#login-password').fill(PASSWORDS.operator);
        await page.locator('#login-submit').click();
        await page.locator('#nav-sensors').waitFor({ state: 'visible' });
        await page.waitForSelector('#map[data-env="ready"]', { timeout: 30000 });

        const geo = await getJson(server.base, '/api/v1/stations.geojson');
        for (const st of water) {
            const p = geo.features.find((f) => f.properties.code === st.code).properties;
            const pin = page.locator(`.env-pin[data-station="${st.code}"]`);
            const text = await pin.textContent();
            if (typeof p.level !== 'number') continue;
            const state = Number(await pin.getAttribute('data-alarm'));
            assert.match(text, /^-?\d+,\d\d m (Dưới mức báo động|Báo động [123])$/, text);
            assert.ok(text.endsWith(state ? `Báo động ${state}` : 'Dưới mức báo động'), text);
        }

        const st = water.find((s) => typeof s.alarm3 === 'number') || water[0];
        await page.locator(`.env-marker:has(.env-pin[data-station="${st.code}"])`).focus();
        await page.keyboard.press('Enter');
        await page.waitForSelector(`#env-panel[data-state="ready"][data-station="${st.code}"]`, { timeout: 20000 });
        assert.ok(Number(await page.locator('#env-level').getAttribute('data-points')) > 100, 'levels of 48 h');
        assert.ok((await ink(page, '#env-level')) > 1500);
        assert.equal(await page.locator('.env-alarm-legend li').count(), 3);
        assert.match(await page.locator('.env-alarm-legend').textContent(), /Báo động 3: \d+,\d\d m/);

        // a level above alarm III, stamped a little ahead so the demo's next points do not hide it
        const level = Math.round((st.alarm3 + 0.37) * 100) / 100;
        const session = await signIn(server.base, 'operator');
        await writeLines(session, `water,station=${st.code} level=${level} ${Date.now() + 60000}\n`);
        const want = `${level.toFixed(2).replace('.', ',')} m Báo động 3`;
        await page.waitForFunction(
            ([code, text]) => document.querySelector(`.env-pin[data-station="${code}"]`).textContent === text,
            [st.code, want],
            { timeout: 15000 },
        );
        assert.match(await page.locator('#env-panel [data-field="level"]').textContent(), /Báo động 3/);
        assert.deepEqual(w.errors(ALLOWED), []);
        await context.close();
    });
});
