// dashboards_grid.js — one dashboard drawn: its title, the period picker (month, quarter, year),
// the "back to province" link when it is shown for a commune, and its panels on a CSS grid
// (x, y, w, h on the document's columns; one column on narrow screens).
// tools(), when given, adds controls to the header's links (the admin's "Edit").
//
// showDashboard(root, {id, unit, kind}, {href, doc}) draws into root and resolves when every
// panel has settled (ready, empty or error). href(change) is the URL of the same view changed
// ({unit} for a drill-down, {kind} for the picker): state lives in the URL, so links are plain
// <a href> and the back button works. Each panel loads on its own (dashboards_data.js limits
// how many requests run at once); a panel without values says "no data". The returned object's
// destroy() drops the charts; relabel() draws again in the current language from the cache.
// Test hooks: #dash-view[data-dashboard][data-unit][data-kind][data-state=loading|ready|error],
// .dash-panel[data-panel][data-type][data-state=loading|ready|empty|error].

import { t } from './i18n.js';
import { h, replaceChildren } from './dom.js';
import { KINDS, communeList, createCache, getDashboard, indicator, tr } from './dashboards_data.js';
import { PANELS } from './dashboards_panels.js';
import { CHARTS } from './dashboards_charts.js';

const TYPES = { ...PANELS, ...CHARTS };

function panelTitle(panel) {
    return tr(panel, 'title');
}

export function showDashboard(root, view, { href, doc: given, wall = false, tools = null }) {
    const cache = createCache();
    let charts = [];
    let doc = given || null;
    let communeName = '';
    let alive = true;

    const unitOf = (panel) => {
        const u = panel.unit || 'province';
        if (u === '$unit') return view.unit || 'province';
        return u;
    };
    const ctx = { cache, unitOf, kind: view.kind, selected: view.unit, wall, link: (code) => href({ unit: code }) };

    function header() {
        const title = h('h2', { class: 'dash-title', id: 'dash-title' }, tr(doc, 'title'));
        if (view.unit)
            title.append(h('span', { class: 'dash-unit', id: 'dash-unit' }, ` — ${communeName || view.unit}`));
        const picker = h('div', { class: 'dash-kinds', role: 'group', 'aria-label': t('dash.period_kind') });
        for (const k of KINDS) {
            picker.append(
                h(
                    'a',
                    {
                        class: 'button dash-kind',
                        href: href({ kind: k }),
                        'aria-pressed': k === view.kind ? 'true' : 'false',
                        dataset: { kind: k },
                    },
                    t(`dash.kind.${k}`),
                ),
            );
        }
        const nav = [];
        if (!wall)
            nav.push(
                h('a', { href: '#dashboards', class: 'dash-back-list', id: 'dash-back-list' }, t('dash.back_list')),
            );
        if (view.unit)
            nav.push(
                h('a', { href: href({ unit: '' }), class: 'dash-back', id: 'dash-back' }, t('dash.back_province')),
            );
        if (tools) nav.push(tools());
        const desc = tr(doc, 'description');
        return h(
            'header',
            { class: 'dash-head' },
            h('div', { class: 'dash-nav' }, nav),
            title,
            desc && !wall ? h('p', { class: 'dash-desc' }, desc) : null,
            wall ? null : picker,
        );
    }

    async function drawPanel(panel, el, body) {
        const type = TYPES[panel.type];
        el.dataset.state = 'loading';
        body.append(h('p', { class: 'dash-loading' }, t('dash.loading')));
        let data;
        try {
            data = type ? await type.load(panel, ctx) : null;
        } catch (err) {
            if (!alive) return;
            el.dataset.state = 'error';
            replaceChildren(body, h('p', { class: 'dash-error' }, t('dash.panel_error', { message: err.message })));
            return;
        }
        if (!alive) return;
        if (!el.querySelector('.dash-panel-title').textContent && panel.indicator) {
            indicator(panel.indicator).then(
                (ind) => (el.querySelector('.dash-panel-title').textContent = tr(ind, 'name')),
                () => {},
            );
        }
        replaceChildren(body);
        if (!data) {
            el.dataset.state = 'empty';
            body.append(h('p', { class: 'dash-empty' }, t('dash.no_data')));
            return;
        }
        const c = type.draw(body, panel, data, ctx);
        if (c && typeof c.destroy === 'function') charts.push(c);
        el.dataset.state = 'ready';
    }

    function layout() {
        const grid = h('div', { class: 'dash-grid', id: 'dash-grid' });
        const cols = (doc.grid && doc.grid.columns) || 12;
        grid.style.gridTemplateColumns = `repeat(${cols}, minmax(0, 1fr))`;
        const jobs = [];
        for (const p of doc.panels || []) {
            const body = h('div', { class: 'dash-panel-body' });
            const el = h(
                'section',
                { class: `dash-panel dash-panel-${p.type}`, dataset: { panel: p.id, type: p.type } },
                h('h3', { class: 'dash-panel-title' }, panelTitle(p)),
                body,
            );
            el.style.gridColumn = `${p.x + 1} / span ${p.w}`;
            el.style.gridRow = `${p.y + 1} / span ${p.h}`;
            grid.append(el);
            jobs.push([p, el, body]);
        }
        return { grid, jobs };
    }

    async function render() {
        for (const c of charts) c.destroy();
        charts = [];
        const { grid, jobs } = layout();
        replaceChildren(root, header(), grid);
        await Promise.all(jobs.map(([p, el, body]) => drawPanel(p, el, body)));
    }

    async function start() {
        root.dataset.state = 'loading';
        root.dataset.dashboard = view.id;
        root.dataset.unit = view.unit || '';
        root.dataset.kind = view.kind;
        try {
            if (!doc) doc = await getDashboard(view.id);
            if (view.unit) {
                const c = (await communeList()).find((x) => x.code === view.unit);
                communeName = c ? c.name : '';
            }
        } catch (err) {
            if (!alive) return false;
            root.dataset.state = 'error';
            replaceChildren(
                root,
                h('p', { class: 'dash-error', role: 'alert' }, t('dash.error', { message: err.message })),
            );
            throw err;
        }
        if (!alive) return false;
        await render();
        if (alive) root.dataset.state = 'ready';
        return true;
    }

    return {
        done: start(),
        title: () => (doc ? tr(doc, 'title') : ''),
        relabel: () => doc && alive && render(),
        destroy() {
            alive = false;
            for (const c of charts) c.destroy();
            charts = [];
        },
    };
}
