// browser.mjs — Debian's Chromium driven by playwright-core, and what a test watches on a page.

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function launch() {
    return chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
        ],
    });
}

/**
 * Watch a page: console errors, page errors, failed requests, requests to another origin than
 * base, and the bytes each finished request moved (headers + encoded body).
 */
export function watch(page, base) {
    const origin = new URL(base).origin;
    const w = { consoleErrors: [], warnings: [], pageErrors: [], failed: [], foreign: [], sizes: [], requests: [] };
    page.on('console', (m) => {
        if (m.type() === 'error') w.consoleErrors.push({ text: m.text(), url: m.location().url || '' });
        if (m.type() === 'warning') w.warnings.push(m.text());
    });
    page.on('pageerror', (e) => w.pageErrors.push(String(e)));
    page.on('request', (r) => {
        const u = new URL(r.url());
        if ((u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:') && u.origin !== origin)
            w.foreign.push(r.url());
        w.requests.push(r.url());
    });
    page.on('requestfailed', (r) => {
        const why = r.failure() ? r.failure().errorText : '';
        if (!/ERR_ABORTED/.test(why)) w.failed.push(`${r.url()} ${why}`);
    });
    page.on('requestfinished', (r) => {
        w.sizes.push(
            r.sizes().then(
                (s) => ({ url: r.url(), bytes: s.responseBodySize + s.responseHeadersSize }),
                () => ({ url: r.url(), bytes: 0 }),
            ),
        );
    });
    /** Console errors except those matching one of the allowed patterns (expected 4xx answers). */
    w.errors = (allowed = []) => [
        ...w.pageErrors,
        ...w.consoleErrors
            .filter((e) => !allowed.some((re) => re.test(`${e.text} ${e.url}`)))
            .map((e) => `${e.text} (${e.url})`),
        ...w.failed,
    ];
    w.bytes = async () => (await Promise.all(w.sizes)).reduce((a, s) => a + s.bytes, 0);
    return w;
}
