// reports_queue.js — the operator's queue of citizen reports ("Phản ánh", #reports…), loaded with
// import() when the screen first opens. The list is GET /api/v1/reports with the filters (state,
// service, commune, agency — "none" is the triage queue —, overdue), newest first, 50 a page
// with previous/next buttons under the table (the API's total gives the page count; a filter
// change goes back to page 1, paging keeps the filters). A row opens the report (#reports/ID):
// its fields, its place on the communes' map, its history (internal notes marked), and the acts:
// a transition with a note (public or internal) and, for assigned, the agency (reassign); a note
// alone and a merge into another report (reports_acts.js). Agency staff get their agency's
// reports only: the API enforces it, the screen shows what it gets. A report's text is inserted
// as text (dom.js), never as markup.
//
// Hooks for tests: #rq-list[data-state=loading|ready|error][data-total][data-page], tr[data-id],
// #rq-prev, #rq-next, #rq-page, #rq-detail[data-state][data-id][data-report-state], #rq-act,
// #rq-events li[data-kind] (and reports_acts.js's).

import { apiGet, apiSend } from './api.js';
import { t } from './i18n.js';
import { h, replaceChildren } from './dom.js';
import { formatDateTime, todayIso } from './format.js';
import { createCitizenMap } from './citizen_map.js';
import { noteForm, mergeForm } from './reports_acts.js';

const PAGE_SIZE = 50;
const STATES = ['received', 'assigned', 'in_progress', 'resolved', 'rejected', 'duplicate', 'closed'];
// the moves the workflow allows from each state (src/reports/workflow.c, docs/reports.md)
const NEXT = {
    received: ['assigned', 'in_progress', 'resolved', 'rejected', 'duplicate'],
    assigned: ['assigned', 'in_progress', 'resolved', 'rejected', 'duplicate'],
    in_progress: ['assigned', 'resolved', 'rejected', 'duplicate'],
    resolved: ['in_progress', 'closed'],
    rejected: ['closed'],
    duplicate: ['closed'],
    closed: [],
};

function field(label, control) {
    return h('label', { class: 'field' }, h('span', null, label), control);
}

export function createReportsQueue(body, { announce }) {
    const f = { state: '', service: '', commune: '', agency: '', overdue: false };
    const lists = { services: [], communes: [], agencies: [] };
    let map = null;
    let loaded = false;
    let page = 1;

    const stateSel = h('select', { id: 'rq-state' });
    const serviceSel = h('select', { id: 'rq-service' });
    const communeSel = h('select', { id: 'rq-commune' });
    const agencySel = h('select', { id: 'rq-agency' });
    const overdue = h('input', { type: 'checkbox', id: 'rq-overdue' });
    const list = h('div', { id: 'rq-list', class: 'rq-list', 'data-state': 'loading' });
    const prev = h('button', { type: 'button', class: 'button', id: 'rq-prev' }, t('rq.prev'));
    const next = h('button', { type: 'button', class: 'button', id: 'rq-next' }, t('rq.next'));
    const pageText = h('span', { id: 'rq-page', class: 'rq-page', 'aria-live': 'polite' });
    const pager = h('nav', { class: 'rq-pager', 'aria-label': t('rq.pages') }, prev, pageText, next);
    const detail = h('section', { id: 'rq-detail', class: 'rq-detail', 'data-state': 'empty', tabindex: '-1' });
    const mapEl = h('div', {
        id: 'rq-map',
        class: 'rq-map',
        role: 'application',
        tabindex: '0',
        'aria-label': t('rq.map'),
    });

    function options(sel, first, items, value) {
        replaceChildren(
            sel,
            h('option', { value: '' }, first),
            items.map(([v, text]) => h('option', { value: v }, text)),
        );
        sel.value = value;
    }
    function renderFilters() {
        options(
            stateSel,
            t('rq.all_states'),
            STATES.map((s) => [s, t(`report.state.${s}`)]),
            f.state,
        );
        options(
            serviceSel,
            t('rq.all_services'),
            lists.services.map((s) => [s.service_code, s.service_name]),
            f.service,
        );
        options(
            communeSel,
            t('rq.all_communes'),
            lists.communes.map((u) => [u.code, u.full_name || u.name]),
            f.commune,
        );
        options(
            agencySel,
            t('rq.all_agencies'),
            [['none', t('rq.triage')], ...lists.agencies.map((a) => [a.code, a.name])],
            f.agency,
        );
        overdue.checked = f.overdue;
    }

    replaceChildren(
        body,
        h(
            'div',
            { class: 'rq-head' },
            h('h2', null, t('rq.title')),
            h(
                'div',
                { class: 'rq-filters' },
                field(t('rq.state'), stateSel),
                field(t('rq.service'), serviceSel),
                field(t('rq.commune'), communeSel),
                field(t('rq.agency'), agencySel),
                h('label', { class: 'rq-check' }, overdue, ' ', t('rq.overdue_only')),
            ),
        ),
        h(
            'div',
            { class: 'rq-cols' },
            h('div', { class: 'rq-main' }, list, pager),
            h('div', { class: 'rq-side' }, detail, mapEl),
        ),
    );
    for (const [el, key] of [
        [stateSel, 'state'],
        [serviceSel, 'service'],
        [communeSel, 'commune'],
        [agencySel, 'agency'],
    ]) {
        el.addEventListener('change', () => {
            f[key] = el.value;
            page = 1;
            refresh();
        });
    }
    overdue.addEventListener('change', () => {
        f.overdue = overdue.checked;
        page = 1;
        refresh();
    });
    const turn = (by) => {
        page = Math.max(1, page + by);
        refresh().then(() => {
            const b = by < 0 ? prev : next;
            (b.disabled ? list.querySelector('tbody tr') || pageText : b).focus();
        });
    };
    prev.addEventListener('click', () => turn(-1));
    next.addEventListener('click', () => turn(1));

    async function loadLists() {
        const [svc, units, agencies] = await Promise.all([
            fetch('/open311/v2/services.json', { headers: { Accept: 'application/json' } })
                .then((r) => r.json())
                .catch(() => []),
            apiGet('/units', { level: 'commune', at: todayIso(), limit: 1000 }).catch(() => ({ units: [] })),
            apiGet('/agencies').catch(() => ({ agencies: [] })),
        ]);
        lists.services = Array.isArray(svc) ? svc : [];
        lists.communes = units.units || [];
        lists.agencies = (agencies.agencies || []).filter((a) => !a.disabled);
        renderFilters();
    }

    let seq = 0;
    async function refresh() {
        const mine = ++seq;
        list.dataset.state = 'loading';
        let res;
        try {
            res = await apiGet('/reports', {
                state: f.state,
                service: f.service,
                commune: f.commune,
                agency: f.agency,
                overdue: f.overdue ? 'true' : '',
                page,
                page_size: PAGE_SIZE,
            });
        } catch (err) {
            if (mine !== seq) return;
            list.dataset.state = 'error';
            replaceChildren(list, h('p', { role: 'alert' }, err.message));
            return;
        }
        if (mine !== seq) return;
        const pages = Math.max(1, Math.ceil(res.total / PAGE_SIZE));
        if (page > pages) {
            page = pages; // the list shrank (a filter, a merge): show its last page
            return refresh();
        }
        renderList(res, pages);
    }

    function renderList(res, pages) {
        const rows = res.reports.map((r) => {
            const tr = h(
                'tr',
                { 'data-id': r.id, tabindex: '0', class: r.overdue ? 'rq-overdue' : null },
                h('td', null, `#${r.id}`),
                h(
                    'td',
                    null,
                    h('span', { class: 'rq-state', 'data-state': r.state }, t(`report.state.${r.state}`)),
                    r.overdue ? h('span', { class: 'rq-late' }, t('rq.overdue')) : null,
                ),
                h('td', null, r.service_name),
                h('td', null, r.agency_name || t('rq.triage')),
                h('td', null, formatDateTime(r.requested_at)),
            );
            const open = () => {
                location.hash = `#reports/${r.id}`;
            };
            tr.addEventListener('click', open);
            tr.addEventListener('keydown', (e) => {
                if (e.key === 'Enter') open();
            });
            return tr;
        });
        replaceChildren(
            list,
            h('p', { class: 'rq-count' }, t('rq.count', { n: res.count, total: res.total })),
            h(
                'table',
                { class: 'rq-table' },
                h(
                    'thead',
                    null,
                    h(
                        'tr',
                        null,
                        ['rq.col_id', 'rq.col_state', 'rq.col_service', 'rq.col_agency', 'rq.col_at'].map((k) =>
                            h('th', { scope: 'col' }, t(k)),
                        ),
                    ),
                ),
                h('tbody', null, rows),
            ),
        );
        list.dataset.total = String(res.total);
        list.dataset.page = String(page);
        pageText.textContent = t('rq.page', { page, pages });
        prev.disabled = page <= 1;
        next.disabled = page >= pages;
        list.dataset.state = 'ready';
        announce(`${t('rq.count', { n: res.count, total: res.total })} · ${t('rq.page', { page, pages })}`);
    }

    async function show(id) {
        detail.dataset.state = 'loading';
        detail.dataset.id = id;
        let r;
        try {
            r = await apiGet(`/reports/${id}`);
        } catch (err) {
            detail.dataset.state = 'error';
            replaceChildren(detail, h('p', { role: 'alert' }, err.message));
            return;
        }
        render(r);
    }

    function communeName(code) {
        const u = lists.communes.find((x) => x.code === code);
        return u ? u.full_name || u.name : code || '—';
    }

    function render(r) {
        const agencyOf = h(
            'select',
            { id: 'rq-act-agency' },
            lists.agencies.map((a) => h('option', { value: a.code }, a.name)),
        );
        agencyOf.value = r.agency_code || '';
        const to = h(
            'select',
            { id: 'rq-act-to' },
            (NEXT[r.state] || []).map((s) => h('option', { value: s }, t(`report.state.${s}`))),
        );
        const note = h('textarea', { id: 'rq-act-note', rows: 2, maxlength: 4000 });
        const pub = h('input', { type: 'checkbox', id: 'rq-act-public' });
        const dup = h('input', { id: 'rq-act-dup', inputmode: 'numeric', size: 8 });
        const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
        const agencyField = field(t('rq.act_agency'), agencyOf);
        const dupField = field(t('rq.act_duplicate_of'), dup);
        const sync = () => {
            agencyField.hidden = to.value !== 'assigned';
            dupField.hidden = to.value !== 'duplicate';
        };
        to.addEventListener('change', sync);
        const act = h(
            'form',
            { id: 'rq-act', class: 'rq-act' },
            h('h3', null, t('rq.act')),
            field(t('rq.act_to'), to),
            agencyField,
            dupField,
            field(t('rq.act_note'), note),
            h('label', { class: 'rq-check' }, pub, ' ', t('rq.act_public')),
            err,
            h('button', { type: 'submit', class: 'button button-primary', id: 'rq-act-send' }, t('rq.act_send')),
        );
        sync();
        const canAct = Boolean(NEXT[r.state]) && document.body.dataset.session !== 'leader';
        const hooks = {
            announce,
            onDone: async () => {
                await show(r.id);
                refresh();
            },
        };
        act.addEventListener('submit', async (e) => {
            e.preventDefault();
            err.hidden = true;
            const b = { to: to.value, note: note.value.trim(), public: pub.checked };
            if (to.value === 'assigned' && agencyOf.value) b.agency = agencyOf.value;
            if (to.value === 'duplicate') b.duplicate_of = Number(dup.value);
            if (!b.note) delete b.note;
            try {
                const out = await apiSend('POST', `/reports/${r.id}/transition`, b);
                announce(t('rq.done', { state: t(`report.state.${out.state}`) }));
                await show(r.id);
                refresh();
            } catch (x) {
                err.textContent = x.message;
                err.hidden = false;
            }
        });
        replaceChildren(
            detail,
            h('h3', null, `#${r.id} · ${r.service_name}`),
            h(
                'p',
                null,
                h('span', { class: 'rq-state', 'data-state': r.state }, t(`report.state.${r.state}`)),
                r.overdue ? h('span', { class: 'rq-late' }, t('rq.overdue')) : null,
            ),
            h('p', { class: 'rq-desc' }, r.description),
            h(
                'dl',
                { class: 'rq-dl' },
                h('dt', null, t('rq.agency')),
                h('dd', null, r.agency_name || t('rq.triage')),
                h('dt', null, t('rq.commune')),
                h('dd', null, communeName(r.unit_code)),
                h('dt', null, t('rq.col_at')),
                h('dd', null, formatDateTime(r.requested_at)),
                h('dt', null, t('rq.expected')),
                h('dd', null, r.expected_at ? formatDateTime(r.expected_at) : '—'),
                r.rating
                    ? [h('dt', null, t('rq.rating')), h('dd', null, `${r.rating}/5 ${r.rating_comment || ''}`)]
                    : null,
            ),
            r.media_url ? h('img', { class: 'rq-photo', src: r.media_url, alt: t('citizen.photo') }) : null,
            canAct && NEXT[r.state].length ? act : null,
            canAct ? noteForm(r, hooks) : null,
            canAct && NEXT[r.state].includes('duplicate') ? mergeForm(r, hooks) : null,
            h('h3', null, t('rq.history')),
            h(
                'ol',
                { id: 'rq-events', class: 'rq-events' },
                (r.events || []).map((e) =>
                    h(
                        'li',
                        { 'data-kind': e.kind, class: e.public ? 'rq-public' : 'rq-internal' },
                        h('span', { class: 'rq-when' }, formatDateTime(e.at)),
                        ' ',
                        e.who,
                        ' · ',
                        e.to
                            ? `${e.from ? t(`report.state.${e.from}`) + ' → ' : ''}${t(`report.state.${e.to}`)}`
                            : t(`rq.kind.${e.kind}`),
                        e.note
                            ? [' — ', e.note, ' ', h('em', null, e.public ? t('rq.public') : t('rq.internal'))]
                            : null,
                    ),
                ),
            ),
        );
        detail.dataset.reportState = r.state;
        detail.dataset.state = 'shown';
        if (!map) map = createCitizenMap(mapEl, {});
        map.resize();
        if (r.lat !== null && r.long !== null) {
            map.ready.then(
                () => {
                    map.mark(r.lat, r.long);
                    map.focus(r.lat, r.long);
                },
                () => {},
            );
        }
    }

    function route() {
        const m = /^#reports\/(\d+)/.exec(location.hash);
        if (m) show(m[1]);
    }
    window.addEventListener('hashchange', () => {
        if (location.hash.startsWith('#reports')) route();
    });

    return {
        async open() {
            body.hidden = false;
            if (!loaded) {
                loaded = true;
                renderFilters();
                await loadLists();
            }
            await refresh();
            route();
        },
        close() {
            body.hidden = true;
        },
    };
}
