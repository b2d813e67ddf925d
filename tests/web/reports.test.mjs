// reports.test.mjs — the citizen page (/citizen, web/src/js/citizen.js) and the operator's report
// queue (#reports, web/src/js/reports_queue.js) in headless Chromium against a real `iocd --demo`
// (with its synthetic reports): a citizen files a report (a category, its required attribute, a
// tap on the map) and gets its number and token; follows it; an operator finds it in the queue,
// assigns it, resolves it with a public note; the citizen sees the note and rates the answer;
// the API has every step. No console errors, nothing from another origin.
//
// Run: npm run build && node --test tests/web/reports.test.mjs (needs build/iocd, build/web).
// Writes citizen.png and reports-queue.png to build/screenshots/ (IOC_SCREENSHOT_DIR overrides).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { request } from 'playwright-core';
import { startIocd, ROOT, PASSWORDS } from './lib/iocd.mjs';
import { launch, watch } from './lib/browser.mjs';

const SHOTS = path.resolve(ROOT, process.env.IOC_SCREENSHOT_DIR || path.join('build', 'screenshots'));
const ALLOWED = [/status of 401.*\/api\/v1\/session/];

let iocd;
let browser;
let citizen; // a phone-sized page
let console_; // the operator's console
let wc;
let wo;
let api;
let reportId = '';

describe('citizen reports: /citizen and the operator queue', () => {
    before(async () => {
        fs.mkdirSync(SHOTS, { recursive: true });
        iocd = await startIocd({ timeoutMs: 60000 });
        api = await request.newContext({ baseURL: iocd.base });
        const r = await api.post('/api/v1/session', { data: { username: 'operator', password: PASSWORDS.operator } });
        assert.equal(r.status(), 200);
        browser = await launch();
        const phone = await browser.newContext({
            viewport: { width: 400, height: 860 },
            isMobile: true,
            hasTouch: true,
        });
        citizen = await phone.newPage();
        wc = watch(citizen, iocd.base);
        const desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        console_ = await desk.newPage();
        wo = watch(console_, iocd.base);
    });

    after(async () => {
        if (browser) await browser.close();
        if (api) await api.dispose();
        if (iocd) await iocd.stop();
    });

    it('the demo has synthetic reports in every state, some overdue, and a public citizen key', async () => {
        for (const state of ['received', 'assigned', 'in_progress', 'resolved', 'rejected', 'duplicate', 'closed']) {
            const r = await api.get(`/api/v1/reports?state=${state}&page_size=1`);
            assert.equal(r.status(), 200);
            const b = await r.json();
            assert.ok(b.total > 0, `no demo report in state ${state}`);
            if (state === 'closed') assert.match(b.reports[0].description, /\(dữ liệu mẫu\)$/);
        }
        const over = await (await api.get('/api/v1/reports?overdue=true&page_size=1')).json();
        assert.ok(over.total > 0, 'no overdue demo report');
        const all = await (await api.get('/api/v1/reports?page_size=1')).json();
        assert.ok(all.total >= 250, `only ${all.total} demo reports`);
        const cfg = await (await api.get('/api/v1/citizen/config')).json();
        assert.match(cfg.api_key, /^ioc_[0-9a-f]{8}_[0-9a-f]{40}$/);
    });

    it('a citizen files a report on /citizen and gets its number and token', async () => {
        await citizen.goto(iocd.base + '/citizen');
        assert.match(citizen.url(), /\/citizen\/?$/);
        await citizen.waitForSelector('#c-service optgroup', { state: 'attached' });
        await citizen.selectOption('#c-service', 'duong-hu-hong');
        await citizen.waitForSelector('select[data-attr="kich-thuoc"]');
        await citizen.selectOption('select[data-attr="kich-thuoc"]', 'lon');
        await citizen.locator('#c-description').fill('Ổ gà lớn trước số 12, xe máy dễ ngã');
        await citizen.waitForSelector('#c-pick-map[data-state="ready"]', { timeout: 30000 });
        const box = await citizen.locator('#c-pick-map').boundingBox();
        await citizen.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        await citizen.waitForSelector('#c-point[data-set="true"]');
        await citizen.screenshot({ path: path.join(SHOTS, 'citizen.png'), fullPage: true });
        await citizen.locator('#c-submit').click();
        await citizen.waitForSelector('#c-done:not([hidden])', { timeout: 15000 });
        reportId = await citizen.locator('#c-done').getAttribute('data-id');
        assert.match(reportId, /^\d+$/);
        assert.match(await citizen.locator('#c-done-token').textContent(), /^[0-9a-f]{64}$/);
        const r = await (await api.get(`/api/v1/reports/${reportId}`)).json();
        assert.equal(r.service_code, 'duong-hu-hong');
        assert.equal(r.state, 'received');
        assert.equal(r.description, 'Ổ gà lớn trước số 12, xe máy dễ ngã');
        assert.ok(r.unit_code, 'the tapped point is in a commune');
    });

    it('the citizen follows it by its number', async () => {
        await citizen.locator('#c-done-follow').click();
        await citizen.waitForSelector('#c-report[data-state="shown"]');
        assert.equal(await citizen.locator('#c-report').getAttribute('data-status'), 'open');
        assert.match(await citizen.locator('#c-report h2').textContent(), new RegExp(`#${reportId}`));
        assert.equal(await citizen.locator('#c-rate').count(), 0, 'no rating before an answer');
    });

    it('an operator sees it in the queue, assigns it, resolves it with a public note', async () => {
        await console_.goto(iocd.base + '/#reports');
        await console_.locator('#login-button').click();
        await console_.locator('#login-username').fill('operator');
        await console_.locator('#login-password').fill(PASSWORDS.operator);
        await console_.locator('#login-submit').click();
        await console_.waitForSelector('body[data-session="operator"]');
        await console_.waitForSelector('#rq-list[data-state="ready"]', { timeout: 30000 });
        await console_.selectOption('#rq-state', 'received');
        await console_.waitForSelector(`#rq-list[data-state="ready"] tr[data-id="${reportId}"]`);
        // the filter is the API's: every row shown is a new report
        const states = await console_
            .locator('#rq-list tbody .rq-state')
            .evaluateAll((els) => els.map((e) => e.dataset.state));
        assert.ok(states.length > 0 && states.every((s) => s === 'received'), states.join());
        await console_.locator(`tr[data-id="${reportId}"]`).click();
        await console_.waitForSelector(`#rq-detail[data-state="shown"][data-id="${reportId}"]`);
        assert.equal(await console_.locator('#rq-detail').getAttribute('data-report-state'), 'received');
        await console_.waitForSelector('#rq-map[data-marked]', { timeout: 30000 });
        await console_.selectOption('#rq-act-to', 'assigned');
        await console_.locator('#rq-act-note').fill('Giao Sở Xây dựng kiểm tra');
        await console_.locator('#rq-act-send').click();
        await console_.waitForSelector('#rq-detail[data-report-state="assigned"]');
        assert.match(await console_.locator('#rq-events').textContent(), /Giao Sở Xây dựng kiểm tra.*\(nội bộ\)/);
        await console_.selectOption('#rq-act-to', 'resolved');
        await console_.locator('#rq-act-note').fill('Đã vá ổ gà ngày hôm nay');
        await console_.locator('#rq-act-public').check();
        await console_.locator('#rq-act-send').click();
        await console_.waitForSelector('#rq-detail[data-report-state="resolved"]');
        const r = await (await api.get(`/api/v1/reports/${reportId}`)).json();
        assert.equal(r.state, 'resolved');
        assert.equal(r.agency_code, 'SO-XD');
        assert.equal(r.status_notes, 'Đã vá ổ gà ngày hôm nay');
        const kinds = r.events.map((e) => `${e.to}:${e.public}`);
        assert.deepEqual(kinds.slice(-2), ['assigned:false', 'resolved:true']);
        await console_.screenshot({ path: path.join(SHOTS, 'reports-queue.png') });
    });

    it('the citizen sees the public note and rates the answer', async () => {
        await citizen.reload();
        await citizen.waitForSelector('#c-report[data-state="shown"][data-status="closed"]');
        const text = await citizen.locator('#c-report').textContent();
        assert.match(text, /Đã vá ổ gà ngày hôm nay/);
        assert.doesNotMatch(text, /Giao Sở Xây dựng kiểm tra/, 'an internal note reached the citizen');
        await citizen.selectOption('#c-rating', '4');
        await citizen.locator('#c-rating-comment').fill('Nhanh');
        await citizen.locator('#c-rate button[type="submit"]').click();
        await citizen.waitForSelector('#c-rated');
        const r = await (await api.get(`/api/v1/reports/${reportId}`)).json();
        assert.equal(r.rating, 4);
        assert.equal(r.rating_comment, 'Nhanh');
    });

    it('the public map shows the reports; no console errors, nothing from another origin', async () => {
        await citizen.goto(iocd.base + '/citizen/#map');
        await citizen.waitForSelector('#c-public-map[data-reports]', { timeout: 30000 });
        assert.ok(Number(await citizen.locator('#c-public-map').getAttribute('data-reports')) > 50);
        assert.ok((await citizen.locator('#c-public-map path.c-dot').count()) > 50);
        assert.deepEqual(wc.errors(ALLOWED), []);
        assert.deepEqual(wo.errors(ALLOWED), []);
        assert.deepEqual([...wc.foreign, ...wo.foreign], []);
    });
});
