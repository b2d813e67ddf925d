// session.test.mjs — the end of a session in the console, in headless Chromium against a real
// `iocd --demo` with a short idle timeout (auth.session_idle_s = 4): the warning before the end
// (Vietnamese first), "stay signed in", and the clean return to the signed-out state with a
// message, both when the console's own estimate runs out and when iocd had ended it already.
//
// Run: npm run build && node --test tests/web/session.test.mjs (needs build/iocd, build/web).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startIocd, PASSWORDS } from './lib/iocd.mjs';
import { launch, watch } from './lib/browser.mjs';

const IDLE_S = 4;
// Expected 401 answers of /api/v1/session once iocd has ended a session.
const SESSION_401 = /status of 401.*\/api\/v1\/session/;

let server;
let browser;
let context;
let page;
let w;

async function signIn() {
    await page.locator('#login-button').click();
    await page.locator('#login-username').fill('operator');
    await page.locator('#login-password').fill(PASSWORDS.operator);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#user:not([hidden])');
}

before(async () => {
    browser = await launch();
});

after(async () => {
    if (browser) await browser.close();
});

const sessionStatus = async () => (await context.request.get(server.base + '/api/v1/session')).status();

describe('the end of a session in the console', { concurrency: 1 }, () => {
    before(async () => {
        server = await startIocd({ env: { IOC_AUTH_SESSION_IDLE_S: String(IDLE_S) } });
        context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        page = await context.newPage();
        w = watch(page, server.base);
        await page.goto(server.base + '/');
        await page.waitForSelector('#map[data-state="ready"]', { timeout: 20000 });
    });

    after(async () => {
        if (context) await context.close();
        if (server) await server.stop();
    });

    it('warns before the idle end, in Vietnamese, and "stay signed in" keeps the session', async () => {
        await signIn();
        assert.equal(await page.locator('#session-notice').isHidden(), true);
        const t0 = Date.now();
        await page.waitForSelector('#session-notice[data-state="warning"]:not([hidden])', { timeout: IDLE_S * 1000 });
        assert.ok(Date.now() - t0 < IDLE_S * 1000, 'the warning comes before the end');
        assert.match(
            await page.locator('#session-notice-text').textContent(),
            /^Phiên đăng nhập sẽ kết thúc lúc \d\d:\d\d:\d\d/,
        );
        assert.equal(await page.locator('#session-stay').textContent(), 'Tiếp tục đăng nhập');
        await page.locator('#session-stay').click();
        await page.waitForSelector('#session-notice', { state: 'hidden' });
        assert.equal(await page.locator('#user').isHidden(), false);
        // past the first idle end: still signed in, on the console and on iocd
        await page.waitForTimeout(Math.max(0, t0 + IDLE_S * 1000 + 300 - Date.now()));
        assert.equal(await page.locator('#user').isHidden(), false);
        assert.equal(await sessionStatus(), 200);
        assert.deepEqual(w.errors(), [], 'console errors');
    });

    it('shows the warning in English after a language switch', async () => {
        await page.waitForSelector('#session-notice[data-state="warning"]:not([hidden])', { timeout: IDLE_S * 1000 });
        await page.locator('.lang-button[data-lang="en"]').click();
        assert.match(await page.locator('#session-notice-text').textContent(), /^Your session ends at \d\d:\d\d:\d\d/);
        assert.equal(await page.locator('#session-stay').textContent(), 'Stay signed in');
        await page.locator('.lang-button[data-lang="vi"]').click();
    });

    it('when unused, ends the session and returns cleanly to the signed-out state', async () => {
        await page.waitForSelector('#session-notice[data-state="ended"]:not([hidden])', {
            timeout: IDLE_S * 1000 + 2000,
        });
        assert.equal(
            await page.locator('#session-notice-text').textContent(),
            'Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại.',
        );
        assert.equal(await page.locator('#session-stay').isHidden(), true);
        assert.equal(await page.locator('body').getAttribute('data-session'), 'anonymous');
        assert.equal(await page.locator('#login-button').isHidden(), false);
        assert.equal(await page.locator('#logout-button').isHidden(), true);
        assert.equal(await page.locator('#user').isHidden(), true);
        assert.equal(await sessionStatus(), 401, 'ended on iocd too');
        assert.equal(await page.evaluate(() => localStorage.getItem('ioc.session')), null);
        // the page still works: search answers, and one can sign in again
        await page.locator('#search-input').fill('bien hoa');
        await page.locator('#search-list [role="option"]').first().waitFor({ state: 'visible' });
        await page.keyboard.press('Escape');
        await page.locator('#session-notice-close').click();
        assert.equal(await page.locator('#session-notice').isHidden(), true);
        assert.deepEqual(w.errors(), [], 'console errors: the console ended it before iocd did');
        assert.deepEqual(w.foreign, []);
    });

    it('returns to the signed-out state when iocd ended the session first', async () => {
        await signIn();
        assert.equal(await page.locator('#session-notice').isHidden(), true);
        // the session ends on iocd behind the console's back (as a password change elsewhere would)
        const s = await (await context.request.get(server.base + '/api/v1/session')).json();
        const del = await context.request.delete(server.base + '/api/v1/session', {
            headers: { 'x-csrf-token': s.csrf_token },
        });
        assert.equal(del.status(), 204);
        await page.waitForSelector('#session-notice[data-state="warning"]:not([hidden])', { timeout: IDLE_S * 1000 });
        await page.locator('#session-stay').click();
        await page.waitForSelector('#session-notice[data-state="ended"]:not([hidden])');
        assert.equal(await page.locator('body').getAttribute('data-session'), 'anonymous');
        assert.equal(await page.locator('#login-button').isHidden(), false);
        assert.deepEqual(w.errors([SESSION_401]), [], 'console errors');
    });
});

describe('the absolute end of a session in the console', { concurrency: 1 }, () => {
    let srv;
    let ctx;
    let p;
    before(async () => {
        srv = await startIocd({ env: { IOC_AUTH_SESSION_IDLE_S: '0' } });
        ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        p = await ctx.newPage();
        await p.clock.install(); // the page's timers and Date, fast-forwarded below
        await p.goto(srv.base + '/');
        await p.waitForSelector('#map[data-state="ready"]', { timeout: 20000 });
    });

    after(async () => {
        if (ctx) await ctx.close();
        if (srv) await srv.stop();
    });

    it('warns before the absolute end without offering "stay signed in"', async () => {
        await p.locator('#login-button').click();
        await p.locator('#login-username').fill('operator');
        await p.locator('#login-password').fill(PASSWORDS.operator);
        await p.keyboard.press('Enter');
        await p.waitForSelector('#user:not([hidden])');
        await p.clock.fastForward('07:57:30'); // auth.session_ttl_s is 8 h: 2.5 min left
        assert.equal(await p.locator('#session-notice').isHidden(), true);
        await p.clock.fastForward('01:00');
        await p.waitForSelector('#session-notice[data-state="warning"]:not([hidden])');
        assert.match(
            await p.locator('#session-notice-text').textContent(),
            /^Phiên đăng nhập sẽ kết thúc lúc \d\d:\d\d:\d\d\. Hãy lưu công việc/,
        );
        assert.equal(await p.locator('#session-stay').isHidden(), true);
    });
});
