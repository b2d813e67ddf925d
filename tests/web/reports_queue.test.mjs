// reports_queue.test.mjs — the operator's queue paging and acts (web/src/js/reports_queue.js,
// reports_acts.js) and the citizen page's photos (citizen_photos.js), in headless Chromium
// against a real `iocd --demo` with its 320 synthetic reports: page 2 shows other reports than
// page 1 (the API's page 2, by button and keyboard, filters kept); a note alone appears in the
// history; a merge (a suggested report picked, confirmed in the dialog) marks the report duplicate
// and it leaves the open queue; a citizen's PNG photo, previewed and sent as multipart, gives the
// report a media_url. No console errors, nothing from another origin.
//
// Run: make web && node --test tests/web/reports_queue.test.mjs (needs build/iocd, build/web).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { startIocd, PASSWORDS } from './lib/iocd.mjs';
import { signIn } from './lib/api.mjs';
import { launch, watch } from './lib/browser.mjs';

const ALLOWED = [/status of 401.*\/api\/v1\/session/];

// A small valid PNG (w×h RGB, a gradient) built here: signature, IHDR, IDAT, IEND.
function png(w, h) {
    const chunk = (type, data) => {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(data.length);
        const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
        const crc = Buffer.alloc(4);
        crc.writeUInt32BE(zlib.crc32(td));
        return Buffer.concat([len, td, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(w, 0);
    ihdr.writeUInt32BE(h, 4);
    ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
    const raw = Buffer.alloc((w * 3 + 1) * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([x * 8, y * 8, 128], y * (w * 3 + 1) + 1 + x * 3);
    return Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', ihdr),
        chunk('IDAT', zlib.deflateSync(raw)),
        chunk('IEND', Buffer.alloc(0)),
    ]);
}

let iocd;
let browser;
let page;
let w;
let op;

async function get(path) {
    const r = await op.request('GET', `/api/v1${path}`);
    assert.equal(r.status, 200, `GET ${path}`);
    return r.json();
}

const rowIds = () => page.locator('#rq-list tbody tr').evaluateAll((els) => els.map((e) => Number(e.dataset.id)));

// Files a report through Open311 with the public citizen key at a point; → its id.
async function file(key, service, lat, lon, text) {
    const def = (await (await fetch(`${iocd.base}/open311/v2/services/${service}.json`)).json()) || {};
    const form = new URLSearchParams({ api_key: key, service_code: service, lat, long: lon, description: text });
    for (const a of def.attributes || []) {
        if (!a.required || !a.variable) continue;
        form.set(`attribute[${a.code}]`, a.values && a.values.length ? a.values[0].key : '1');
    }
    const r = await fetch(`${iocd.base}/open311/v2/requests.json`, { method: 'POST', body: form });
    const out = await r.json();
    assert.equal(r.status, 201, JSON.stringify(out));
    return Number(out[0].service_request_id);
}

describe('the report queue: paging, notes, merges; the citizen photos', () => {
    before(async () => {
        iocd = await startIocd({ timeoutMs: 60000 });
        op = await signIn(iocd.base, 'operator');
        browser = await launch();
        page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
        w = watch(page, iocd.base);
        await page.goto(iocd.base + '/#reports');
        await page.locator('#login-button').click();
        await page.locator('#login-username').fill('operator');
        await page.locator('#login-password').fill(PASSWORDS.operator);
        await page.locator('#login-submit').click();
        await page.waitForSelector('body[data-session="operator"]');
        await page.waitForSelector('#rq-list[data-state="ready"]', { timeout: 30000 });
    });

    after(async () => {
        if (browser) await browser.close();
        if (iocd) await iocd.stop();
    });

    it('pages through the queue with the API total, by button and by keyboard, keeping the filter', async () => {
        const all = await get('/reports?page_size=50');
        const pages = Math.ceil(all.total / 50);
        assert.ok(pages >= 3, `only ${all.total} reports`);
        assert.equal(await page.locator('#rq-list').getAttribute('data-page'), '1');
        assert.equal(await page.locator('#rq-page').textContent(), `Trang 1/${pages}`);
        assert.ok(await page.locator('#rq-prev').isDisabled(), 'no previous page on page 1');
        const one = await rowIds();
        assert.deepEqual(
            one,
            all.reports.map((r) => r.id),
        );
        await page.locator('#rq-next').click();
        await page.waitForSelector('#rq-list[data-state="ready"][data-page="2"]');
        const two = await rowIds();
        assert.equal(two.length, 50);
        assert.deepEqual(
            two.filter((id) => one.includes(id)),
            [],
            'page 2 repeats page 1',
        );
        assert.deepEqual(
            two,
            (await get('/reports?page=2&page_size=50')).reports.map((r) => r.id),
        );
        // the keyboard: focus stays on the button, Enter turns the page
        assert.equal(await page.evaluate(() => document.activeElement.id), 'rq-next');
        await page.keyboard.press('Enter');
        await page.waitForSelector('#rq-list[data-state="ready"][data-page="3"]');
        await page.locator('#rq-prev').focus();
        await page.keyboard.press('Enter');
        await page.waitForSelector('#rq-list[data-state="ready"][data-page="2"]');
        assert.deepEqual(await rowIds(), two);

        // a filter goes back to page 1; paging keeps it
        const counts = {};
        for (const s of ['resolved', 'closed', 'received', 'assigned', 'in_progress'])
            counts[s] = (await get(`/reports?state=${s}&page_size=1`)).total;
        const state = Object.keys(counts).sort((a, b) => counts[b] - counts[a])[0];
        assert.ok(counts[state] > 50, `no state has two pages: ${JSON.stringify(counts)}`);
        await page.selectOption('#rq-state', state);
        await page.waitForSelector(`#rq-list[data-state="ready"][data-page="1"][data-total="${counts[state]}"]`);
        await page.locator('#rq-next').click();
        await page.waitForSelector('#rq-list[data-state="ready"][data-page="2"]');
        const states = await page
            .locator('#rq-list tbody .rq-state')
            .evaluateAll((els) => els.map((e) => e.dataset.state));
        assert.ok(states.length > 0 && states.every((s) => s === state), states.join());
        assert.deepEqual(
            await rowIds(),
            (await get(`/reports?state=${state}&page=2&page_size=50`)).reports.map((r) => r.id),
        );
    });

    let first = 0;
    let second = 0;

    it('a note alone appears in the history and, public, as the status notes', async () => {
        const key = (await (await fetch(`${iocd.base}/api/v1/citizen/config`)).json()).api_key;
        const some = (await get('/reports?state=received&page_size=50')).reports.find(
            (r) => r.lat !== null && r.unit_code,
        );
        assert.ok(some, 'no received demo report with a point');
        first = await file(key, some.service_code, some.lat, some.long, 'Cột đèn đổ ngang đường (lần 1)');
        second = await file(key, some.service_code, some.lat, some.long, 'Cột đèn đổ ngang đường (lần 2)');
        await page.selectOption('#rq-state', 'received');
        await page.waitForSelector(`#rq-list[data-state="ready"][data-page="1"] tr[data-id="${first}"]`);
        await page.locator(`tr[data-id="${first}"]`).click();
        await page.waitForSelector(`#rq-detail[data-state="shown"][data-id="${first}"]`);
        await page.locator('#rq-note-send').click(); // empty: refused here, nothing sent
        assert.match(await page.locator('#rq-note .form-error').textContent(), /nội dung ghi chú/);
        await page.locator('#rq-note-text').fill('Đã gọi điện cho người phản ánh');
        await page.locator('#rq-note-public').check();
        await page.locator('#rq-note-send').click();
        await page.waitForSelector('#rq-events li[data-kind="note"]');
        assert.match(
            await page.locator('#rq-events li[data-kind="note"]').last().textContent(),
            /Đã gọi điện cho người phản ánh.*\(công khai\)/,
        );
        assert.equal(await page.locator('#rq-detail').getAttribute('data-report-state'), 'received');
        const r = await get(`/reports/${first}`);
        assert.equal(r.state, 'received');
        assert.equal(r.status_notes, 'Đã gọi điện cho người phản ánh');
        const last = r.events[r.events.length - 1];
        assert.deepEqual([last.kind, last.public, last.note], ['note', true, 'Đã gọi điện cho người phản ánh']);
    });

    it('a merge into a suggested report, confirmed, marks it duplicate and it leaves the open queue', async () => {
        await page.locator(`tr[data-id="${second}"]`).click();
        await page.waitForSelector(`#rq-detail[data-state="shown"][data-id="${second}"]`);
        await page.waitForSelector(`#rq-merge-cands button[data-id="${first}"]`);
        assert.equal(await page.locator(`#rq-merge-cands button[data-id="${second}"]`).count(), 0);
        assert.match(await page.locator(`#rq-merge-cands button[data-id="${first}"]`).textContent(), /cách 0 m/);
        await page.locator(`#rq-merge-cands button[data-id="${first}"]`).click();
        assert.equal(await page.locator('#rq-merge-into').inputValue(), String(first));
        await page.locator('#rq-merge-send').click();
        await page.waitForSelector('#rq-merge-dialog[open]');
        // cancelling sends nothing
        await page.locator('#rq-merge-cancel').click();
        assert.equal(await page.locator('#rq-merge-dialog').count(), 0);
        assert.equal((await get(`/reports/${second}`)).state, 'received');
        await page.locator('#rq-merge-send').click();
        await page.waitForSelector('#rq-merge-dialog[open]');
        assert.match(await page.locator('#rq-merge-dialog').textContent(), new RegExp(`#${second}.*#${first}`));
        await page.locator('#rq-merge-confirm').click();
        await page.waitForSelector(`#rq-detail[data-id="${second}"][data-report-state="duplicate"]`);
        await page.waitForSelector(`#rq-list[data-state="ready"] tr[data-id="${first}"]`);
        assert.equal(await page.locator(`#rq-list tr[data-id="${second}"]`).count(), 0, 'still in the open queue');
        const r = await get(`/reports/${second}`);
        assert.equal(r.state, 'duplicate');
        assert.equal(r.duplicate_of, first);
        const kept = await get(`/reports/${first}`);
        assert.ok(kept.events.some((e) => e.kind === 'merge' && e.detail === `from:${second}`));
    });

    it('a citizen previews photos, removes one, and the report is filed with the other', async () => {
        const c = await (
            await browser.newContext({ viewport: { width: 400, height: 860 }, isMobile: true, hasTouch: true })
        ).newPage();
        const wc = watch(c, iocd.base);
        await c.goto(iocd.base + '/citizen');
        await c.waitForSelector('#c-service optgroup', { state: 'attached' });
        assert.match(await c.locator('#c-photos-hint').textContent(), /Tối đa 5 ảnh, mỗi ảnh không quá 8 MiB/);
        await c.selectOption('#c-service', 'duong-hu-hong');
        await c.waitForSelector('select[data-attr="kich-thuoc"]');
        await c.selectOption('select[data-attr="kich-thuoc"]', 'lon');
        await c.locator('#c-description').fill('Ổ gà có ảnh');
        await c.waitForSelector('#c-pick-map[data-state="ready"]', { timeout: 30000 });
        const box = await c.locator('#c-pick-map').boundingBox();
        await c.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        await c.waitForSelector('#c-point[data-set="true"]');
        // a file that is not an image is refused in the page
        await c.setInputFiles('#c-photos', { name: 'ghi-chu.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
        assert.match(await c.locator('#c-form-error').textContent(), /ghi-chu\.txt không phải ảnh/);
        await c.setInputFiles('#c-photos', [
            { name: 'o-ga.png', mimeType: 'image/png', buffer: png(24, 16) },
            { name: 'thua.png', mimeType: 'image/png', buffer: png(8, 8) },
        ]);
        await c.waitForSelector('#c-previews li[data-name="thua.png"] img');
        assert.match(
            await c.locator('#c-previews li[data-name="o-ga.png"] img').getAttribute('src'),
            /^data:image\/png/,
        );
        await c.locator('#c-previews li[data-name="thua.png"] button.c-photo-remove').click();
        assert.deepEqual(await c.locator('#c-previews li').evaluateAll((els) => els.map((e) => e.dataset.name)), [
            'o-ga.png',
        ]);
        await c.locator('#c-submit').click();
        await c.waitForSelector('#c-done:not([hidden])', { timeout: 15000 });
        const id = await c.locator('#c-done').getAttribute('data-id');
        const r = await get(`/reports/${id}`);
        assert.equal(r.description, 'Ổ gà có ảnh');
        assert.equal(r.media.length, 1, 'the removed photo was sent');
        const o = await (await fetch(`${iocd.base}/open311/v2/requests/${id}.json`)).json();
        // no [reports] media_base_url: the path, which the page shows as it is (same origin)
        assert.match(o[0].media_url, /^\/media\/[0-9a-f]{64}\.jpg$/);
        const img = await fetch(iocd.base + o[0].media_url);
        assert.equal(img.status, 200);
        assert.deepEqual(wc.errors(ALLOWED), []);
        assert.deepEqual(wc.foreign, []);
    });

    it('no console errors, nothing from another origin on the console', () => {
        assert.deepEqual(w.errors(ALLOWED), []);
        assert.deepEqual(w.foreign, []);
    });
});
