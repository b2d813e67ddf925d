// dashboards.js — the dashboards screens (issue 17), loaded with import() when first opened:
//
//   #dashboards?q=&domain=        the list: server search (GET /dashboards?q: case and
//                                 diacritics ignored), a domain filter, the dashboards as links
//   #dashboards/<id>?unit=&p=     one dashboard (dashboards_grid.js); unit = a commune's code
//                                 (drill-down), p = month | quarter | year (the period picker)
//   #dashboards/<id>?edit=1       its editor (dashboards_edit.js), for admins only; an admin
//                                 also sees "Edit" on a dashboard and "New dashboard" on the list
//   #wall?ids=a,b,c&every=30      the video wall (dashboards_wall.js)
//
// Everything the screen shows is in the URL, so every view has a stable link. The list keeps its
// search and filter there with history.replaceState (typing does not fill the history).
// Test hooks: #dash-list[data-state=loading|ready|error][data-query][data-total],
// a.dash-link[data-id], #dash-new, #dash-edit-link; the view's hooks are in dashboards_grid.js, the wall's in dashboards_wall.js.

import { t } from './i18n.js';
import { h, replaceChildren } from './dom.js';
import { KINDS, domains, listDashboards, tr } from './dashboards_data.js';
import { showDashboard } from './dashboards_grid.js';
import { startWall } from './dashboards_wall.js';
import { isAdmin, startEditor } from './dashboards_edit.js';
import { newDashboardForm } from './dashboards_edit_new.js';

const PAGE = 50;

/** The state of a #dashboards… or #wall… hash. */
export function parseHash(hash = location.hash) {
    const m = /^#(dashboards|wall)(?:\/([^?]*))?(?:\?(.*))?$/.exec(hash);
    if (!m) return { screen: 'list', q: '', domain: '' };
    const p = new URLSearchParams(m[3] || '');
    if (m[1] === 'wall') {
        const ids = (p.get('ids') || '').split(',').filter(Boolean);
        const every = Number(p.get('every'));
        return { screen: 'wall', ids, every: Number.isFinite(every) && every >= 2 ? every : 30 };
    }
    if (m[2]) {
        const kind = KINDS.includes(p.get('p')) ? p.get('p') : 'month';
        const edit = p.get('edit') === '1';
        return { screen: 'view', id: decodeURIComponent(m[2]), unit: p.get('unit') || '', kind, edit };
    }
    return { screen: 'list', q: p.get('q') || '', domain: p.get('domain') || '' };
}

/** The hash of a dashboard view. */
export function viewHash({ id, unit, kind, edit }) {
    const p = new URLSearchParams();
    if (unit) p.set('unit', unit);
    if (kind && kind !== 'month') p.set('p', kind);
    if (edit) p.set('edit', '1');
    const q = p.toString();
    return `#dashboards/${encodeURIComponent(id)}${q ? `?${q}` : ''}`;
}

export function createDashboards(root, { announce }) {
    let current = null; // the view or wall shown: {destroy(), relabel()}
    const el = {};
    let listSeq = 0;
    let page = 1;
    let domainList = [];
    let timer = 0;

    function buildList() {
        el.title = h('h2', { class: 'dash-list-title' });
        el.qLabel = h('label', { for: 'dash-q' });
        el.q = h('input', {
            id: 'dash-q',
            type: 'search',
            class: 'dash-search',
            autocomplete: 'off',
            spellcheck: 'false',
        });
        el.dLabel = h('label', { for: 'dash-domain' });
        el.domain = h('select', { id: 'dash-domain', class: 'dash-select' });
        el.count = h('p', { id: 'dash-count', class: 'dash-count', 'aria-live': 'polite' });
        el.list = h('ul', { id: 'dash-list', class: 'dash-list' });
        el.more = h('button', { type: 'button', class: 'button', id: 'dash-more', hidden: true });
        el.error = h('p', { class: 'dash-error', role: 'alert', hidden: true });
        el.newButton = h('button', { type: 'button', class: 'button', id: 'dash-new', hidden: true });
        el.newBox = h('div', { class: 'dash-new-box' });
        el.newButton.addEventListener('click', openNew);
        el.page = h(
            'div',
            { class: 'dash-listpage' },
            h('div', { class: 'dash-list-head' }, el.title, el.newButton),
            el.newBox,
            h(
                'div',
                { class: 'dash-filters' },
                h('div', { class: 'field' }, el.qLabel, el.q),
                h('div', { class: 'field' }, el.dLabel, el.domain),
            ),
            el.count,
            el.error,
            el.list,
            el.more,
        );
        el.q.addEventListener('input', () => {
            clearTimeout(timer);
            timer = setTimeout(() => search(1), 250);
        });
        el.domain.addEventListener('change', () => search(1));
        el.more.addEventListener('click', () => search(page + 1));
    }

    function listTexts() {
        el.title.textContent = t('dash.title');
        el.qLabel.textContent = t('dash.search');
        el.q.placeholder = t('dash.search_placeholder');
        el.dLabel.textContent = t('dash.domain');
        el.more.textContent = t('dash.more');
        el.newButton.textContent = t('dash.new.button');
        el.newButton.hidden = !isAdmin();
        if (!isAdmin()) replaceChildren(el.newBox);
        const v = el.domain.value;
        replaceChildren(
            el.domain,
            h('option', { value: '' }, t('dash.all_domains')),
            domainList.map((d) => h('option', { value: d.code }, tr(d, 'name'))),
        );
        el.domain.value = v;
    }

    function item(d) {
        return h(
            'li',
            { class: 'dash-item' },
            h('a', { class: 'dash-link', href: viewHash({ id: d.id }), dataset: { id: d.id } }, tr(d, 'title')),
            h(
                'span',
                { class: 'dash-item-meta' },
                t('dash.item_meta', { panels: d.panels, domain: d.domain || t('dash.no_domain') }),
            ),
        );
    }

    async function search(p) {
        const seq = ++listSeq;
        const q = el.q.value.trim();
        const domain = el.domain.value;
        const u = new URLSearchParams();
        if (q) u.set('q', q);
        if (domain) u.set('domain', domain);
        const hash = `#dashboards${u.toString() ? `?${u}` : ''}`;
        if (location.hash !== hash) history.replaceState(null, '', hash);
        el.list.dataset.state = 'loading';
        let data;
        try {
            data = await listDashboards({ q, domain, page: p, page_size: PAGE });
        } catch (err) {
            if (seq !== listSeq) return;
            el.list.dataset.state = 'error';
            el.error.textContent = t('dash.error', { message: err.message });
            el.error.hidden = false;
            return;
        }
        if (seq !== listSeq) return;
        el.error.hidden = true;
        page = p;
        const items = (data.dashboards || []).map(item);
        if (p === 1) replaceChildren(el.list, items);
        else el.list.append(...items);
        el.list.dataset.query = q;
        el.list.dataset.total = String(data.total);
        el.list.dataset.state = 'ready';
        el.count.textContent = t('dash.count', { shown: el.list.children.length, total: data.total });
        el.more.hidden = el.list.children.length >= data.total;
        announce(el.count.textContent);
    }

    function openNew() {
        const f = newDashboardForm({
            domainList,
            onCreated: (id) => {
                announce(t('dash.new.created', { id }));
                location.hash = viewHash({ id, edit: true });
            },
            onClose: () => {
                replaceChildren(el.newBox);
                el.newButton.focus();
            },
        });
        replaceChildren(el.newBox, f.form);
        f.focus();
    }

    async function openList(state) {
        if (!el.page) buildList();
        replaceChildren(root, el.page);
        if (!domainList.length) {
            try {
                domainList = (await domains()).domains || [];
            } catch {
                domainList = []; // the filter then offers "all" only; the list says what failed
            }
        }
        listTexts();
        el.q.value = state.q;
        el.domain.value = state.domain;
        await search(1);
    }

    function stop() {
        if (current) current.destroy();
        current = null;
    }

    async function open() {
        root.hidden = false;
        const state = parseHash();
        stop();
        document.body.classList.toggle('wall-mode', state.screen === 'wall');
        if (state.screen === 'list') return openList(state);
        if (state.screen === 'wall') {
            current = startWall(root, state, { viewHash });
            return;
        }
        if (state.edit && isAdmin()) {
            current = startEditor(root, state, { viewHash, announce });
            return;
        }
        const view = h('div', { class: 'dash-view', id: 'dash-view' });
        replaceChildren(root, view);
        const tools = isAdmin()
            ? () =>
                  h(
                      'a',
                      {
                          class: 'button dash-edit-link',
                          id: 'dash-edit-link',
                          href: viewHash({ ...state, edit: true }),
                      },
                      t('dash.edit.button'),
                  )
            : null;
        current = showDashboard(view, state, {
            href: (change) => viewHash({ ...state, edit: false, ...change }),
            tools,
        });
        current.done.then(
            (ok) => ok && announce(current && current.title ? current.title() : ''),
            () => {},
        );
    }

    function close() {
        stop();
        document.body.classList.remove('wall-mode');
        root.hidden = true;
        listSeq++;
    }

    document.addEventListener('ioc:language', () => {
        if (root.hidden) return;
        if (current) current.relabel();
        else if (el.page && el.page.isConnected) {
            listTexts();
            search(page);
        }
    });

    return { open, close };
}
