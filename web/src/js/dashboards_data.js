// dashboards_data.js — what the dashboard screens ask iocd, and the periods they ask for.
//
// - The catalogue entry of an indicator (GET /indicators/{code}: names, unit of measure,
//   frequency, target) is asked once per page and kept.
// - The communes (GET /units.geojson?level=commune&simplify=50: codes, names, boundaries for the
//   choropleth) are asked once per page and kept.
// - Values: GET /indicators/{code}/values?unit&from&to&rollup, one request per indicator and
//   unit; the communes of a choropleth or a ranked table in one request,
//   GET /indicators/{code}/values/units?parent&from&to&rollup (each commune's value at the latest
//   period of the range at which any has one). A view (one dashboard, one unit, one period kind)
//   keeps its answers in a cache, so two panels of the same indicator share them; a new view (or
//   a wall rotation) starts a new cache. At most PARALLEL requests are in flight at once.
// Periods: the picker's kind (month, quarter, year) is the roll-up, or the indicator's own
// frequency when that is coarser; ranges are computed from today in Asia/Ho_Chi_Minh.

import { apiGet, apiGetUrl, API } from './api.js';
import { language, t } from './i18n.js';
import { todayIso, formatDate } from './format.js';

export const KINDS = ['month', 'quarter', 'year'];
const ORDER = { day: 0, month: 1, quarter: 2, year: 3 };
const PARALLEL = 6;
const LATEST_SPAN = { day: 24, month: 24, quarter: 24, year: 60 }; // months looked back for "latest"

let running = 0;
const waiting = [];

/** Run fn() when fewer than PARALLEL requests are in flight. */
function limited(fn) {
    return new Promise((resolve, reject) => {
        const go = () => {
            running++;
            fn()
                .then(resolve, reject)
                .finally(() => {
                    running--;
                    if (waiting.length) waiting.shift()();
                });
        };
        if (running < PARALLEL) go();
        else waiting.push(go);
    });
}

const indicators = new Map();
let communes = null;

/** The catalogue entry of code (kept for the page's life; a failure is not kept). */
export function indicator(code) {
    if (!indicators.has(code)) {
        const p = limited(() => apiGet(`/indicators/${encodeURIComponent(code)}`));
        p.catch(() => indicators.delete(code));
        indicators.set(code, p);
    }
    return indicators.get(code);
}

/** The communes in force today: [{code, name, type, geometry}] in the order of the GeoJSON. */
export function communeList() {
    if (!communes) {
        communes = apiGetUrl(`${API}/units.geojson?level=commune&simplify=50`).then((g) =>
            (g.features || []).map((f) => ({
                code: String(f.properties.code || f.id),
                name: f.properties.name || f.properties.full_name || String(f.id),
                geometry: f.geometry,
            })),
        );
        communes.catch(() => (communes = null));
    }
    return communes;
}

/** The text of a language-dependent member: obj[name_vi] or obj[name_en]. */
export function tr(obj, name) {
    if (!obj) return '';
    if (language() === 'en' && obj[`${name}_en`]) return obj[`${name}_en`];
    return obj[`${name}_vi`] || obj[`${name}_en`] || '';
}

function monthsBack(n) {
    const [y, m] = todayIso().split('-').map(Number);
    const k = y * 12 + (m - 1) - n;
    return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}-01`;
}

/** The roll-up for an indicator of frequency freq under the picker's kind. */
export function rollupOf(kind, freq) {
    return (ORDER[freq] ?? 1) > ORDER[kind] ? freq : kind;
}

/** {from, to} of a panel's period (docs/dashboards.md) for the given roll-up. */
export function rangeOf(period, rollup) {
    const today = todayIso();
    const p = period || 'latest';
    if (p === 'latest') return { from: monthsBack(LATEST_SPAN[rollup] || 24), to: today, latest: true };
    if (p === 'year') return { from: `${today.slice(0, 4)}-01-01`, to: today };
    const last = /^last(\d+)$/.exec(p);
    if (last) return { from: monthsBack(Number(last[1]) - 1), to: today };
    return { from: p, to: p };
}

/** A period of the API ("2026-10", "2026-Q4", "2026", "2026-10-31") as people write it. */
export function periodLabel(p) {
    let m = /^(\d{4})-(\d{2})$/.exec(p || '');
    if (m) return `${m[2]}/${m[1]}`;
    m = /^(\d{4})-Q(\d)$/.exec(p || '');
    if (m) return t('dash.quarter_label', { q: m[2], year: m[1] });
    if (/^\d{4}-\d{2}-\d{2}$/.test(p || '')) return formatDate(p);
    return p || '';
}

/** A values cache for one view. get(code, unit, period, kind) → {ind, rollup, rows}. */
export function createCache() {
    const answers = new Map();
    return {
        async get(code, unit, period, kind) {
            const ind = await indicator(code);
            const rollup = rollupOf(kind, ind.frequency);
            const r = rangeOf(period, rollup);
            const key = `${code}|${unit}|${r.from}|${r.to}|${rollup}`;
            if (!answers.has(key)) {
                const params = { from: r.from, to: r.to, rollup };
                if (unit && unit !== 'province') params.unit = unit;
                const p = limited(() => apiGet(`/indicators/${encodeURIComponent(code)}/values`, params));
                p.catch(() => answers.delete(key));
                answers.set(key, p);
            }
            const data = await answers.get(key);
            return { ind, rollup, latest: Boolean(r.latest), rows: Array.isArray(data.values) ? data.values : [] };
        },
        /** Every commune under unit ('province': all) → {ind, rollup, period, units: [{code, name,
         * value, light, …}]}, period the latest of the panel's range at which any has a value. */
        async communes(code, unit, period, kind) {
            const ind = await indicator(code);
            const rollup = rollupOf(kind, ind.frequency);
            const r = rangeOf(period, rollup);
            const key = `units|${code}|${unit}|${r.from}|${r.to}|${rollup}`;
            if (!answers.has(key)) {
                const params = { from: r.from, to: r.to, rollup };
                if (unit && unit !== 'province') params.parent = unit;
                const p = limited(() => apiGet(`/indicators/${encodeURIComponent(code)}/values/units`, params));
                p.catch(() => answers.delete(key));
                answers.set(key, p);
            }
            const data = await answers.get(key);
            return { ind, rollup, period: data.period || '', units: Array.isArray(data.units) ? data.units : [] };
        },
    };
}

/** The last row with a value (and the one before it), or null. */
export function latestRow(rows) {
    for (let i = rows.length - 1; i >= 0; i--) {
        if (typeof rows[i].value === 'number') return { row: rows[i], prev: rows.slice(0, i).reverse().find(has) };
    }
    return null;
}

function has(r) {
    return typeof r.value === 'number';
}

/** Dashboards list: GET /dashboards?q&domain&page&page_size. */
export function listDashboards(params) {
    return apiGet('/dashboards', params);
}

/** One dashboard document: GET /dashboards/{id}. */
export function getDashboard(id) {
    return apiGet(`/dashboards/${encodeURIComponent(id)}`);
}

/** The domains of the catalogue (for the filter). */
export function domains() {
    return apiGet('/domains');
}
