// web.mjs — the measurements of bench/web.sh (see there). Prints a table on stdout.

import { startIocd } from '../tests/web/lib/iocd.mjs';
import { launch, watch } from '../tests/web/lib/browser.mjs';

const LOADS = Number(process.argv[2] || 10);
const QUERIES = [
    'bien hoa',
    'tran bien',
    'long khanh',
    'xuan',
    'dong xoai',
    'binh',
    'an phuoc',
    'tan',
    'phu',
    'loc ninh',
];
const VIEWPORT = { width: 1280, height: 800 };

function pct(values, p) {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

// One navigation in page: ms from navigation start to the map drawn, and the bytes moved.
async function load(page, base) {
    const w = watch(page, base);
    await page.goto(base + '/');
    await page.waitForSelector('#map[data-state="ready"]', { timeout: 30000 });
    const ms = await page.evaluate(
        () =>
            new Promise((resolve) => {
                const get = () => performance.getEntriesByName('ioc:map-drawn')[0];
                const poll = () => (get() ? resolve(get().startTime) : requestAnimationFrame(poll));
                poll();
            }),
    );
    await page.waitForLoadState('networkidle');
    const errors = w.errors();
    if (errors.length) throw new Error(`console errors: ${errors.join('\n')}`);
    return { ms, bytes: await w.bytes(), requests: w.requests.length };
}

// Type each query (as one input event) and time until its answer is listed; also the request's
// own round trip from Resource Timing.
async function searches(page) {
    const endToEnd = [];
    const roundTrip = [];
    for (const q of QUERIES) {
        endToEnd.push(
            await page.evaluate(
                (query) =>
                    new Promise((resolve) => {
                        const input = document.getElementById('search-input');
                        const list = document.getElementById('search-list');
                        const t0 = performance.now();
                        const obs = new MutationObserver(() => {
                            if (list.dataset.query === query && !list.hidden) {
                                obs.disconnect();
                                resolve(performance.now() - t0);
                            }
                        });
                        obs.observe(list, { attributes: true, childList: true });
                        input.value = query;
                        input.dispatchEvent(new Event('input', { bubbles: true }));
                    }),
                q,
            ),
        );
    }
    const entries = await page.evaluate(() =>
        performance
            .getEntriesByType('resource')
            .filter((e) => /\/api\/v1\/units\?/.test(e.name) && /[?&]q=/.test(e.name))
            .map((e) => e.responseEnd - e.startTime),
    );
    roundTrip.push(...entries);
    return { endToEnd, roundTrip };
}

async function main() {
    const server = await startIocd();
    const browser = await launch();
    try {
        const cold = [];
        for (let i = 0; i < LOADS; i++) {
            const ctx = await browser.newContext({ viewport: VIEWPORT });
            cold.push(await load(await ctx.newPage(), server.base));
            await ctx.close();
        }
        const ctx = await browser.newContext({ viewport: VIEWPORT });
        const page = await ctx.newPage();
        await load(page, server.base); // fills the cache
        const warm = [];
        for (let i = 0; i < LOADS; i++) warm.push(await load(page, server.base));
        const s = await searches(page);
        await ctx.close();

        const f = (x) => x.toFixed(0).padStart(8);
        const kb = (x) => (x / 1024).toFixed(1).padStart(8);
        console.log(`web bench: ${LOADS} loads each, viewport ${VIEWPORT.width}x${VIEWPORT.height}, ${server.base}`);
        console.log('measure                                   p50      p90   target');
        console.log(
            `drawn, cold (ms)                     ${f(
                pct(
                    cold.map((r) => r.ms),
                    50,
                ),
            )} ${f(
                pct(
                    cold.map((r) => r.ms),
                    90,
                ),
            )}   < 1000`,
        );
        console.log(
            `drawn, warm (ms)                     ${f(
                pct(
                    warm.map((r) => r.ms),
                    50,
                ),
            )} ${f(
                pct(
                    warm.map((r) => r.ms),
                    90,
                ),
            )}   < 300`,
        );
        console.log(
            `moved, cold (KB)                     ${kb(
                pct(
                    cold.map((r) => r.bytes),
                    50,
                ),
            )} ${kb(
                pct(
                    cold.map((r) => r.bytes),
                    90,
                ),
            )}   ≤ 600`,
        );
        console.log(
            `moved, warm (KB)                     ${kb(
                pct(
                    warm.map((r) => r.bytes),
                    50,
                ),
            )} ${kb(
                pct(
                    warm.map((r) => r.bytes),
                    90,
                ),
            )}`,
        );
        console.log(
            `requests per load, cold              ${f(
                pct(
                    cold.map((r) => r.requests),
                    50,
                ),
            )}`,
        );
        console.log(`search request round trip (ms)       ${f(pct(s.roundTrip, 50))} ${f(pct(s.roundTrip, 90))}`);
        console.log(
            `search, typing → list shown (ms)     ${f(pct(s.endToEnd, 50))} ${f(pct(s.endToEnd, 90))}   (includes the 120 ms debounce)`,
        );
    } finally {
        await browser.close();
        await server.stop();
    }
}

main().catch((err) => {
    console.error(`bench/web: ${err.stack || err}`);
    process.exit(1);
});
