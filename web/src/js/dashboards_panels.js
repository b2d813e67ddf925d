// dashboards_panels.js — the panels of a dashboard that are not charts: number, gauge, table,
// choropleth and text (line and bar are in dashboards_charts.js).
//
// Every type is {load(panel, ctx) → data | null, draw(body, panel, data, ctx)}: load asks
// dashboards_data.js for the values (null: nothing to show, the grid then says "no data"), draw
// builds the DOM (text nodes only, SVG for the gauge and the map). ctx gives the view's values
// cache, the unit the view is for (unitOf), the period kind, and link(code): the URL of the same
// dashboard for a commune (drill-down). A traffic light is shown as a colour and as a word.

import { t } from './i18n.js';
import { formatNumber } from './format.js';
import { h } from './dom.js';
import { communeList, latestRow, periodLabel, tr } from './dashboards_data.js';

const SVG = 'http://www.w3.org/2000/svg';
const LIGHTS = ['green', 'amber', 'red'];

/** An SVG element with attributes. */
export function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
    for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
}

/** A value with the panel's decimals (option), else 0 for whole numbers and 1 otherwise. */
export function fmt(v, panel) {
    const o = panel.options || {};
    const d = Number.isInteger(o.decimals) ? o.decimals : Number.isInteger(v) ? 0 : 1;
    return formatNumber(v, d);
}

/** The light's word ("Đạt", "Cảnh báo", "Không đạt") or '' for none. */
export function lightText(light) {
    return LIGHTS.includes(light) ? t(`dash.light.${light}`) : '';
}

function lightBadge(light) {
    if (!LIGHTS.includes(light)) return null;
    return h('span', { class: `dash-light dash-light-${light}`, dataset: { light } }, lightText(light));
}

function uom(ind) {
    return ind && ind.unit ? ind.unit : '';
}

/** The rows of every commune of the panel's area at the latest period any of them has: one
 * request for them all (values/units), joined by code to the communes' boundaries. */
async function communeRows(panel, ctx) {
    const area = ctx.unitOf(panel);
    const [all, a] = await Promise.all([
        communeList(),
        ctx.cache.communes(panel.indicator, area, panel.period, ctx.kind),
    ]);
    if (!a.units.some((u) => typeof u.value === 'number')) return null;
    const by = new Map(a.units.map((u) => [u.code, u]));
    const list = area === 'province' ? all : all.filter((c) => c.code === area);
    const rows = list.map((c) => {
        const u = by.get(c.code);
        return { ...c, value: u && typeof u.value === 'number' ? u.value : null, light: u ? u.light : 'none' };
    });
    return { ind: a.ind, period: a.period, rows };
}

function ranked(data, panel) {
    const o = panel.options || {};
    const sign = o.order === 'asc' ? 1 : -1;
    return data.rows
        .filter((r) => typeof r.value === 'number')
        .sort((a, b) => sign * (a.value - b.value) || a.name.localeCompare(b.name, 'vi'))
        .slice(0, o.limit || 10);
}

/** The same period a year earlier: 2026-10 → 2025-10, 2026-Q4 → 2025-Q4, 2026 → 2025. */
function yearBefore(p) {
    const m = /^(\d{4})(.*)$/.exec(p || '');
    return m ? `${Number(m[1]) - 1}${m[2]}` : '';
}

const number = {
    async load(panel, ctx) {
        const a = await ctx.cache.get(panel.indicator, ctx.unitOf(panel), panel.period, ctx.kind);
        const l = latestRow(a.rows);
        return l ? { ind: a.ind, rows: a.rows, ...l } : null;
    },
    draw(body, panel, d) {
        const o = panel.options || {};
        const light = o.lights === false ? 'none' : d.row.light;
        const value = h(
            'p',
            { class: `dash-value${LIGHTS.includes(light) ? ` dash-value-${light}` : ''}` },
            h('span', { class: 'dash-number' }, fmt(d.row.value, panel)),
            uom(d.ind) ? h('span', { class: 'dash-uom' }, ` ${uom(d.ind)}`) : null,
        );
        const facts = [h('span', { class: 'dash-period' }, periodLabel(d.row.period))];
        if (o.show_target && d.ind.target !== '' && d.ind.target !== undefined) {
            facts.push(
                h('span', { class: 'dash-target' }, t('dash.target', { value: fmt(Number(d.ind.target), panel) })),
            );
        }
        if (o.compare === 'previous_period' && d.prev) {
            facts.push(h('span', { class: 'dash-prev' }, t('dash.previous', { value: fmt(d.prev.value, panel) })));
        }
        const ago = o.compare === 'previous_year' ? d.rows.find((r) => r.period === yearBefore(d.row.period)) : null;
        if (ago && typeof ago.value === 'number') {
            facts.push(h('span', { class: 'dash-prev' }, t('dash.previous_year', { value: fmt(ago.value, panel) })));
        }
        body.append(value, lightBadge(light) || '', h('p', { class: 'dash-facts' }, facts));
    },
};

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above v (1 for v ≤ 0). */
function niceCeil(v) {
    if (!(v > 0)) return 1;
    const e = 10 ** Math.floor(Math.log10(v));
    return [1, 2, 2.5, 5, 10].map((m) => m * e).find((x) => x >= v);
}

function arc(cx, cy, r, a0, a1) {
    const p = (a) => `${(cx + r * Math.cos(a)).toFixed(2)} ${(cy - r * Math.sin(a)).toFixed(2)}`;
    return `M ${p(a0)} A ${r} ${r} 0 ${a0 - a1 > Math.PI ? 1 : 0} 1 ${p(a1)}`;
}

const gauge = {
    load: number.load,
    draw(body, panel, d) {
        const o = panel.options || {};
        const target = d.ind.target !== '' ? Number(d.ind.target) : NaN;
        const min = typeof o.min === 'number' ? o.min : 0;
        let max = typeof o.max === 'number' ? o.max : d.ind.unit === '%' ? 100 : NaN;
        if (!Number.isFinite(max)) max = niceCeil(Math.max(d.row.value, Number.isFinite(target) ? target : 0) * 1.2);
        const f = Math.min(1, Math.max(0, (d.row.value - min) / (max - min)));
        const light = o.lights === false ? 'none' : d.row.light;
        const svg = s(
            'svg',
            {
                class: 'dash-gauge',
                viewBox: '0 0 200 120',
                role: 'img',
                'aria-label': `${fmt(d.row.value, panel)} ${uom(d.ind)}`,
            },
            s('path', { class: 'dash-gauge-track', d: arc(100, 100, 80, Math.PI, 0) }),
            f > 0
                ? s('path', {
                      class: `dash-gauge-bar dash-fill-${light}`,
                      d: arc(100, 100, 80, Math.PI, Math.PI * (1 - f)),
                  })
                : '',
            s('text', { x: 100, y: 92, class: 'dash-gauge-value', 'text-anchor': 'middle' }, fmt(d.row.value, panel)),
            s('text', { x: 30, y: 116, class: 'dash-gauge-end', 'text-anchor': 'middle' }, fmt(min, panel)),
            s('text', { x: 170, y: 116, class: 'dash-gauge-end', 'text-anchor': 'middle' }, fmt(max, panel)),
        );
        body.append(
            svg,
            h(
                'p',
                { class: 'dash-facts' },
                h('span', {}, `${uom(d.ind)} · ${periodLabel(d.row.period)}`),
                ' ',
                lightBadge(light) || '',
            ),
        );
    },
};

const table = {
    load: communeRows,
    draw(body, panel, d, ctx) {
        const rows = ranked(d, panel);
        const head = h(
            'tr',
            {},
            h('th', { scope: 'col' }, t('dash.rank')),
            h('th', { scope: 'col' }, t('dash.commune')),
            h(
                'th',
                { scope: 'col', class: 'num' },
                uom(d.ind) ? `${t('dash.value')} (${uom(d.ind)})` : t('dash.value'),
            ),
            h('th', { scope: 'col' }, t('dash.light')),
        );
        const tr_ = (r, i) =>
            h(
                'tr',
                { dataset: { code: r.code } },
                h('td', {}, String(i + 1)),
                h('td', {}, h('a', { href: ctx.link(r.code), class: 'dash-drill', dataset: { code: r.code } }, r.name)),
                h('td', { class: 'num' }, fmt(r.value, panel)),
                h('td', {}, lightBadge(r.light) || '—'),
            );
        body.append(
            h('p', { class: 'dash-period' }, periodLabel(d.period)),
            h('table', { class: 'dash-table' }, h('thead', {}, head), h('tbody', {}, rows.map(tr_))),
        );
    },
};

/** Project the communes' rings into a width × height box (equirectangular, cos of the latitude). */
function projector(list, width, height) {
    let w = Infinity,
        so = Infinity,
        e = -Infinity,
        n = -Infinity;
    const rings = (g) => (g.type === 'Polygon' ? g.coordinates : g.type === 'MultiPolygon' ? g.coordinates.flat() : []);
    for (const c of list)
        for (const ring of rings(c.geometry))
            for (const [x, y] of ring) {
                w = Math.min(w, x);
                e = Math.max(e, x);
                so = Math.min(so, y);
                n = Math.max(n, y);
            }
    const k = Math.cos((((so + n) / 2) * Math.PI) / 180);
    const scale = Math.min(width / ((e - w) * k || 1), height / (n - so || 1));
    const path = (g) =>
        rings(g)
            .map(
                (ring) =>
                    'M' +
                    ring
                        .map(([x, y]) => `${((x - w) * k * scale).toFixed(1)},${((n - y) * scale).toFixed(1)}`)
                        .join('L') +
                    'Z',
            )
            .join('');
    return { path, width: (e - w) * k * scale, height: (n - so) * scale };
}

function classOf(r, breaks) {
    if (typeof r.value !== 'number') return 'dash-fill-none';
    if (!breaks) return `dash-fill-${LIGHTS.includes(r.light) ? r.light : 'none'}`;
    let q = 0;
    while (q < breaks.length && r.value > breaks[q]) q++;
    return `dash-fill-q${q}`;
}

function legend(panel, breaks, min) {
    // breaks: the upper bounds of the classes of a sequential scheme; null: the lights
    const item = (cls, text) =>
        h(
            'li',
            {},
            s(
                'svg',
                { width: 14, height: 14, 'aria-hidden': 'true' },
                s('rect', { width: 14, height: 14, class: cls }),
            ),
            ` ${text}`,
        );
    const items = [];
    if (!breaks) {
        for (const l of LIGHTS) items.push(item(`dash-fill-${l}`, lightText(l)));
    } else {
        let lo = min;
        breaks.forEach((b, q) => {
            items.push(item(`dash-fill-q${q}`, `${fmt(lo, panel)} – ${fmt(b, panel)}`));
            lo = b;
        });
    }
    items.push(item('dash-fill-none', t('dash.no_value')));
    return h('ul', { class: 'dash-legend' }, items);
}

const choropleth = {
    load: communeRows,
    draw(body, panel, d, ctx) {
        const values = d.rows
            .map((r) => r.value)
            .filter((v) => typeof v === 'number')
            .sort((a, b) => a - b);
        let breaks = null;
        const lights = (panel.options || {}).scheme === 'lights' && d.rows.some((r) => LIGHTS.includes(r.light));
        if (!lights && values.length) {
            breaks = [0.2, 0.4, 0.6, 0.8, 1].map(
                (q) => values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)],
            );
            breaks = breaks.filter((b, i) => i === 0 || b > breaks[i - 1]);
        }
        const pr = projector(d.rows, 400, 300);
        const svg = s('svg', {
            class: 'dash-map',
            viewBox: `0 0 ${pr.width.toFixed(1)} ${pr.height.toFixed(1)}`,
            role: 'img',
            'aria-label': tr(panel, 'title') || tr(d.ind, 'name'),
            dataset: null,
        });
        for (const r of d.rows) {
            const a = s('a', { href: ctx.link(r.code), class: 'dash-drill', 'data-code': r.code });
            const title =
                typeof r.value === 'number'
                    ? `${r.name}: ${fmt(r.value, panel)} ${uom(d.ind)}`
                    : `${r.name}: ${t('dash.no_value')}`;
            a.append(
                s(
                    'path',
                    {
                        d: pr.path(r.geometry),
                        class: `dash-commune ${classOf(r, breaks)}${r.code === ctx.selected ? ' dash-selected' : ''}`,
                        'data-code': r.code,
                    },
                    s('title', {}, title),
                ),
            );
            svg.append(a);
        }
        body.append(h('p', { class: 'dash-period' }, periodLabel(d.period)), svg, legend(panel, breaks, values[0]));
    },
};

const text = {
    load: async (panel) => panel,
    draw(body, panel) {
        body.append(h('p', { class: 'dash-text' }, tr(panel, 'text')));
    },
};

export const PANELS = { number, gauge, table, choropleth, text };
