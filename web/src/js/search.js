// search.js — the commune search box: an ARIA 1.2 combobox with a listbox popup.
//
// Typing asks GET /units?level=commune&q= after a short pause (DEBOUNCE_MS); the server ignores case
// and diacritics, so "bien hoa", "BIÊN HOÀ" and "tran bien" all match. Only the latest query's
// answer is shown (older fetches are aborted). Keys: ArrowDown/ArrowUp move the active option
// (aria-activedescendant; focus stays in the input), Enter picks the active option or, if none,
// the first match (waiting for a pending search), Escape closes the list and then clears the box.
// A pick calls onPick(unit).

import { apiGet } from './api.js';
import { t, has } from './i18n.js';
import { todayIso } from './format.js';
import { h, byId, replaceChildren } from './dom.js';

const DEBOUNCE_MS = 120;
const LIMIT = 10;

export function createSearch({ onPick, announce }) {
    const input = byId('search-input');
    const list = byId('search-list');
    let results = []; // units of the last answer
    let active = -1;
    let timer = 0;
    let controller = null;
    let pending = null; // promise of the search in flight (or scheduled)
    let shownQuery = null;

    function setOpen(open) {
        list.hidden = !open;
        input.setAttribute('aria-expanded', open ? 'true' : 'false');
        if (!open) setActive(-1);
    }

    function setActive(i) {
        active = i;
        const options = list.querySelectorAll('[role="option"]');
        options.forEach((o, k) => o.setAttribute('aria-selected', k === i ? 'true' : 'false'));
        if (i >= 0 && options[i]) {
            input.setAttribute('aria-activedescendant', options[i].id);
            options[i].scrollIntoView({ block: 'nearest' });
        } else {
            input.removeAttribute('aria-activedescendant');
        }
    }

    function typeLabel(type) {
        return has(`unit_type.${type}`) ? t(`unit_type.${type}`) : type;
    }

    function render() {
        if (shownQuery === null) return;
        if (!results.length) {
            replaceChildren(
                list,
                h(
                    'li',
                    { class: 'search-empty', role: 'option', 'aria-disabled': 'true', id: 'search-opt-none' },
                    t('search.none'),
                ),
            );
        } else {
            replaceChildren(
                list,
                results.map((u, i) =>
                    h(
                        'li',
                        {
                            id: `search-opt-${i}`,
                            class: 'search-option',
                            role: 'option',
                            'aria-selected': 'false',
                            dataset: { code: u.code, index: String(i) },
                        },
                        h('span', { class: 'search-name' }, u.full_name || u.name),
                        h('span', { class: 'search-meta' }, `${typeLabel(u.type)} · ${u.code}`),
                    ),
                ),
            );
        }
        list.dataset.query = shownQuery;
        setOpen(true);
    }

    async function runSearch(q) {
        if (controller) controller.abort();
        controller = new AbortController();
        const ctrl = controller;
        try {
            const data = await apiGet('/units', { level: 'commune', q, limit: LIMIT, at: todayIso() }, ctrl.signal);
            if (ctrl !== controller) return;
            results = Array.isArray(data.units) ? data.units : [];
            shownQuery = q;
            render();
            announce(results.length ? t('search.results', { count: results.length }) : t('search.none'));
        } catch (err) {
            if (err.name === 'AbortError' || ctrl !== controller) return;
            results = [];
            shownQuery = q;
            replaceChildren(
                list,
                h(
                    'li',
                    { class: 'search-empty', role: 'option', 'aria-disabled': 'true', id: 'search-opt-none' },
                    t('search.error', { message: err.message }),
                ),
            );
            setOpen(true);
        }
    }

    function schedule() {
        clearTimeout(timer);
        const q = input.value.trim();
        if (!q) {
            if (controller) controller.abort();
            controller = null;
            pending = null;
            results = [];
            shownQuery = null;
            setOpen(false);
            return;
        }
        pending = new Promise((resolve) => {
            timer = setTimeout(() => runSearch(q).then(resolve), DEBOUNCE_MS);
        });
    }

    function pick(i) {
        const unit = results[i];
        if (!unit) return;
        input.value = unit.full_name || unit.name;
        setOpen(false);
        onPick(unit);
    }

    async function pickFirstWhenReady() {
        const q = input.value.trim();
        if (!q) return;
        if (shownQuery !== q) {
            clearTimeout(timer);
            pending = runSearch(q);
            await pending;
        }
        if (active >= 0) pick(active);
        else if (results.length) pick(0);
    }

    input.addEventListener('input', schedule);
    input.addEventListener('keydown', (e) => {
        const n = results.length;
        if (e.key === 'ArrowDown') {
            e.preventDefault();
            if (list.hidden && shownQuery !== null) setOpen(true);
            if (n) setActive(active < n - 1 ? active + 1 : 0);
        } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            if (list.hidden && shownQuery !== null) setOpen(true);
            if (n) setActive(active > 0 ? active - 1 : n - 1);
        } else if (e.key === 'Enter') {
            e.preventDefault();
            if (active >= 0 && !list.hidden) pick(active);
            else pickFirstWhenReady();
        } else if (e.key === 'Escape') {
            // Handled here only if there is something to close or clear; else the panel closes.
            if (!list.hidden) setOpen(false);
            else if (input.value) {
                input.value = '';
                schedule();
            } else return;
            e.stopPropagation();
            e.preventDefault();
        }
    });
    // mousedown (not click) so the input keeps the focus; the pick happens on click.
    list.addEventListener('mousedown', (e) => e.preventDefault());
    list.addEventListener('click', (e) => {
        const li = e.target.closest('[role="option"][data-index]');
        if (li) pick(Number(li.dataset.index));
    });
    list.addEventListener('mousemove', (e) => {
        const li = e.target.closest('[role="option"][data-index]');
        if (li && Number(li.dataset.index) !== active) setActive(Number(li.dataset.index));
    });
    input.addEventListener('blur', () => setOpen(false));
    input.addEventListener('focus', () => {
        if (shownQuery !== null && shownQuery === input.value.trim()) setOpen(true);
    });
    document.addEventListener('ioc:language', () => {
        if (!list.hidden) render();
    });

    return { input, pending: () => pending };
}
