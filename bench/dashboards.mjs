// dashboards.mjs — the measurements of bench/dashboards.sh (see there). Prints a table on stdout.
//
// "Drawn": #dash-view[data-state="ready"] for the dashboard (set once every panel's load and
// draw has finished) and no .dash-panel left in data-state="loading" (each panel sets ready,
// empty or error after drawing), read on an animation frame.

import { startIocd, PASSWORDS } from '../tests/web/lib/iocd.mjs';
import { launch, watch } from '../tests/web/lib/browser.mjs';

const LOADS = Number(process.argv[2] || 10);
const DASHBOARD = process.argv[3] || 'cchc-tong-quan';
const VIEWPORT = { width: 1280, height: 900 };

function pct(values, p) {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Resolves in the page, on an animation frame, to performance.now() once every panel is drawn. */
function drawn(page, id) {
    return page
        .waitForFunction(
            (dash) => {
                const v = document.querySelector(
                    `#dash-view[data-state="ready"][data-dashboard="${dash}"]:not([data-bench-old])`,
                );
                if (!v || v.querySelector('.dash-panel[data-state="loading"]')) return false;
                return performance.now();
            },
            id,
            { polling: 'raf', timeout: 60000 },
        )
        .then((h) => h.jsonValue());
}

/** The panels' states after a load: {count, ready, empty, error}. */
function states(page) {
    return page.evaluate(() => {
        const all = [...document.querySelectorAll('#dash-view .dash-panel')];
        const n = (s) => all.filter((p) => p.dataset.state === s).length;
        return { count: all.length, ready: n('ready'), empty: n('empty'), error: n('error') };
    });
}

/** A new browser context (no HTTP cache, no page state) signed in as the leader. */
async function signedIn(browser, base) {
    const ctx = await browser.newContext({ viewport: VIEWPORT, baseURL: base });
    const r = await ctx.request.post('/api/v1/session', { data: { username: 'leader', password: PASSWORDS.leader } });
    if (r.status() !== 200) throw new Error(`sign-in: ${r.status()} ${await r.text()}`);
    // the console restores a session (GET /session) only when its hint says one was opened here
    await ctx.addInitScript(() => localStorage.setItem('ioc.session', '1'));
    return ctx;
}

const isValues = (u) => /\/api\/v1\/indicators\/[^/]+\/values(\/units)?\?/.test(u);

// Cold: a new context, navigation to the dashboard's URL → every panel drawn (ms since the
// navigation started), and the requests it made.
async function cold(browser, base) {
    const ctx = await signedIn(browser, base);
    const page = await ctx.newPage();
    const w = watch(page, base);
    await page.goto(`${base}/#dashboards/${DASHBOARD}`);
    const ms = await drawn(page, DASHBOARD);
    const st = await states(page);
    const units = await page.evaluate(() =>
        performance
            .getEntriesByType('resource')
            .filter((e) => /\/values\/units\?/.test(e.name))
            .map((e) => e.responseEnd - e.startTime),
    );
    const errors = w.errors();
    await ctx.close();
    if (errors.length) throw new Error(`console errors: ${errors.join('\n')}`);
    if (st.error) throw new Error(`${st.error} panel(s) in error`);
    return { ms, st, units, requests: w.requests.length, values: w.requests.filter(isValues).length };
}

// Warm: the same page, back to the list and into the dashboard again (the application and the
// communes' boundaries kept, a new view: its values asked again) → every panel drawn.
async function warm(page) {
    await page.evaluate(() => {
        const v = document.querySelector('#dash-view');
        if (v) v.dataset.benchOld = '1'; // never taken for the next view
        location.hash = '#dashboards';
    });
    await page.waitForSelector('#dash-list[data-state="ready"]', { timeout: 30000 });
    const t0 = await page.evaluate(() => performance.now());
    await page.evaluate((id) => (location.hash = `#dashboards/${id}`), DASHBOARD);
    return (await drawn(page, DASHBOARD)) - t0;
}

async function main() {
    const t0 = Date.now();
    const server = await startIocd({
        timeoutMs: 600000,
        env: { IOC_DEMO_INDICATOR_VALUES: 'true', IOC_LOG_LEVEL: 'warn' },
    });
    const seeded = (Date.now() - t0) / 1000;
    const browser = await launch();
    try {
        const first = await cold(browser, server.base); // the server's first answers (its caches cold)
        const colds = [];
        for (let i = 0; i < LOADS; i++) colds.push(await cold(browser, server.base));
        const ctx = await signedIn(browser, server.base);
        const page = await ctx.newPage();
        const w = watch(page, server.base);
        await page.goto(`${server.base}/#dashboards/${DASHBOARD}`);
        await drawn(page, DASHBOARD);
        const warms = [];
        for (let i = 0; i < LOADS; i++) warms.push(await warm(page));
        const errors = w.errors();
        await ctx.close();
        if (errors.length) throw new Error(`console errors: ${errors.join('\n')}`);

        const f = (x) => x.toFixed(0).padStart(8);
        const st = first.st;
        console.log(
            `dashboard bench: ${DASHBOARD}, ${st.count} panels (${st.ready} drawn with data, ${st.empty} empty), ` +
                `${LOADS} loads each, viewport ${VIEWPORT.width}x${VIEWPORT.height}, iocd with demo values ` +
                `(up in ${seeded.toFixed(0)} s)`,
        );
        console.log('measure                                   p50      p90   target');
        const line = (name, xs, target = '') =>
            console.log(`${name.padEnd(37)}${f(pct(xs, 50))} ${f(pct(xs, 90))}   ${target}`);
        console.log(`first load, server cold (ms)         ${f(first.ms)}`);
        line(
            'drawn, cold (ms)',
            colds.map((r) => r.ms),
            '< 1500',
        );
        line('drawn, warm (ms)', warms, '< 1500');
        line(
            'requests per cold load',
            colds.map((r) => r.requests),
        );
        line(
            'values requests per load',
            colds.map((r) => r.values),
        );
        const rt = colds.flatMap((r) => r.units);
        if (rt.length) line('values/units round trip, cold (ms)', rt);
    } finally {
        await browser.close();
        await server.stop();
    }
}

main().catch((err) => {
    console.error(`bench/dashboards: ${err.stack || err}`);
    process.exit(1);
});
