// panel.js — the side panel: what ioc knows about a clicked point or a chosen commune.
//
// A point goes to GET /units/lookup (which commune contains it) and then GET /units/{code} (its
// parent and the units it was formed from on 1 July 2025); a search pick goes straight to the
// second. States: hidden → loading → unit | outside | error; a newer request supersedes an older
// one (older answers are dropped, their fetches aborted). What is shown is kept as data and
// rendered again when the language changes. Server text is inserted as text nodes only.

import { apiGet } from './api.js';
import { t, has } from './i18n.js';
import { formatArea, formatDate, formatCoords, todayIso } from './format.js';
import { h, byId, replaceChildren } from './dom.js';

/**
 * Wire the panel. onUnit(unit|null) is told which commune is shown (to highlight it on the map);
 * announce(text) speaks a short status to screen readers.
 */
export function createPanel({ onUnit, announce }) {
    const root = byId('panel');
    const title = byId('panel-title');
    const body = byId('panel-body');
    let view = null; // {kind: 'loading'|'unit'|'outside'|'error', ...}
    let controller = null;

    function unitType(type) {
        return has(`unit_type.${type}`) ? t(`unit_type.${type}`) : type;
    }

    function row(label, value, attrs) {
        return [h('dt', null, label), h('dd', attrs || null, value)];
    }

    function predecessorsSection(unit) {
        const preds = Array.isArray(unit.predecessors) ? unit.predecessors : [];
        const date = formatDate(unit.valid_from || '2025-07-01');
        const items = preds.map((p) =>
            h(
                'li',
                { class: 'pred', dataset: { code: p.code } },
                h('span', { class: 'pred-name' }, p.full_name || p.name),
                ' ',
                h('span', { class: 'pred-code' }, `(${t('panel.predecessor_code', { code: p.code })})`),
                p.partial ? [' ', h('span', { class: 'badge badge-partial' }, t('panel.partial'))] : null,
            ),
        );
        return h(
            'section',
            { class: 'panel-section', 'aria-labelledby': 'panel-formed' },
            h('h3', { id: 'panel-formed' }, t('panel.formed_from', { date })),
            items.length
                ? h('ul', { class: 'pred-list' }, items)
                : h('p', { class: 'muted' }, t('panel.no_predecessors')),
            unit.succession_note ? h('p', { class: 'note' }, t('panel.note', { text: unit.succession_note })) : null,
        );
    }

    function renderUnit(unit, point) {
        title.textContent = unit.full_name || unit.name;
        const parent = unit.parent ? unit.parent.full_name || unit.parent.name : '';
        replaceChildren(
            body,
            h(
                'dl',
                { class: 'facts' },
                row(t('panel.type'), unitType(unit.type)),
                row(t('panel.code'), unit.code, { class: 'code', 'data-field': 'code' }),
                row(t('panel.area'), formatArea(unit.area_km2), { 'data-field': 'area' }),
                parent ? row(t('panel.parent'), parent) : null,
                unit.valid_from ? row(t('panel.valid_from'), formatDate(unit.valid_from)) : null,
                point ? row(t('panel.point'), formatCoords(point.lat, point.lng)) : null,
            ),
            predecessorsSection(unit),
        );
    }

    function render() {
        if (!view) return;
        root.dataset.state = view.kind;
        root.dataset.code = view.kind === 'unit' ? view.unit.code : '';
        if (view.kind === 'loading') {
            title.textContent = t('panel.unit');
            replaceChildren(body, h('p', { class: 'muted' }, t('panel.loading')));
        } else if (view.kind === 'unit') {
            renderUnit(view.unit, view.point);
        } else if (view.kind === 'outside') {
            title.textContent = t('panel.outside_title');
            replaceChildren(
                body,
                h('p', null, t('panel.outside')),
                h('dl', { class: 'facts' }, row(t('panel.point'), formatCoords(view.point.lat, view.point.lng))),
            );
        } else {
            title.textContent = t('panel.error_title');
            replaceChildren(body, h('p', { class: 'error' }, t('panel.error', { message: view.message })));
        }
    }

    function show(next) {
        view = next;
        root.hidden = false;
        render();
    }

    function begin() {
        if (controller) controller.abort();
        controller = new AbortController();
        show({ kind: 'loading' });
        return controller;
    }

    async function run(ctrl, work) {
        try {
            const next = await work(ctrl.signal);
            if (ctrl !== controller) return;
            show(next);
            onUnit(next.kind === 'unit' ? next.unit : null);
            announce(next.kind === 'unit' ? next.unit.full_name || next.unit.name : title.textContent);
        } catch (err) {
            if (ctrl !== controller || err.name === 'AbortError') return;
            show({ kind: 'error', message: err.message });
            onUnit(null);
        }
    }

    function detail(code, signal) {
        return apiGet(`/units/${encodeURIComponent(code)}`, { at: todayIso() }, signal);
    }

    /** Show what is at point ({lat, lng}). */
    function lookupPoint(point) {
        const ctrl = begin();
        return run(ctrl, async (signal) => {
            let found;
            const query = { lat: point.lat.toFixed(6), lon: point.lng.toFixed(6), at: todayIso() };
            for (let attempt = 0; ; attempt++) {
                try {
                    found = await apiGet('/units/lookup', query, signal);
                    break;
                } catch (err) {
                    if (err.code === 'outside') return { kind: 'outside', point };
                    // iocd builds its point index for about half a second after it starts
                    if (err.code !== 'starting' || attempt >= 10) throw err;
                    await new Promise((resolve) => setTimeout(resolve, 300));
                    if (signal.aborted) throw err;
                }
            }
            const unit = await detail(found.commune.code, signal);
            return { kind: 'unit', unit, point };
        });
    }

    /** Show the unit with this code (from the search). */
    function showUnit(code) {
        const ctrl = begin();
        return run(ctrl, async (signal) => ({ kind: 'unit', unit: await detail(code, signal), point: null }));
    }

    /** Hide the panel; focus goes back to `returnTo` if the focus was inside the panel. */
    function close(returnTo) {
        if (root.hidden) return false;
        if (controller) controller.abort();
        controller = null;
        const hadFocus = root.contains(document.activeElement);
        root.hidden = true;
        view = null;
        root.dataset.state = 'closed';
        onUnit(null);
        if (hadFocus && returnTo) returnTo.focus();
        return true;
    }

    byId('panel-close').addEventListener('click', () => close(byId('map')));
    document.addEventListener('ioc:language', render);

    return {
        lookupPoint,
        showUnit,
        close,
        isOpen: () => !root.hidden,
        /** The part of the map the panel covers: {right} beside it, {bottom} as a bottom sheet. */
        cover: () => {
            if (root.hidden) return { right: 0, bottom: 0 };
            const r = root.getBoundingClientRect();
            const m = byId('map').getBoundingClientRect();
            const sheet = r.width >= m.width * 0.9;
            return sheet ? { right: 0, bottom: m.bottom - r.top } : { right: m.right - r.left, bottom: 0 };
        },
    };
}
