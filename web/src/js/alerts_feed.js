// alerts_feed.js — the console's alert feed: the alerts of a filter (state: open — firing and
// acknowledged —, firing, acknowledged, resolved; severity), newest first, each with its severity
// as a coloured badge WITH its name in text, the rule's name, its summary, target, place, time
// (dd/mm/yyyy HH:mm, Asia/Ho_Chi_Minh), count ("×3"), state, who acknowledged or resolved it, and
// the acts: acknowledge and resolve, each with a note in a small dialog (native <dialog>: Tab,
// Enter, Escape).
//
// Order and paging are the server's (alerts_data.js): highest id first, LIMIT a request; "Xem
// thêm" (#alert-more, while the API gives next_before) appends the next older page. The list is
// always every alert of the filter down to that cursor: a live alert below it is left for "more".
//
// Live: apply(alert) takes an `alert` event's data (ops.js) and puts the alert in, moves it or
// takes it out of the list as the filter says, without a request. New alerts (change "fired" or
// "escalated", not silenced) are announced in the feed's own polite live region, at most one
// message every ANNOUNCE_MS ("3 cảnh báo mới, cao nhất: Nghiêm trọng"), so a burst is one
// sentence. Items are updated in place and keyboard focus stays on the same button.
//
// Hooks for tests: #alert-feed[data-state=loading|ready|error][data-count],
// li.alert[data-id][data-state][data-severity][data-count], button[data-act=ack|resolve],
// #alert-dialog, #alert-note, #alert-submit, #alert-live, #alert-more.

import { t } from './i18n.js';
import { h, replaceChildren } from './dom.js';
import { formatDateTime } from './format.js';
import {
    SEVERITIES,
    STATES,
    LIMIT,
    severityRank,
    severityText,
    stateText,
    localText,
    ruleName,
    matches,
    newestFirst,
    fetchAlertPage,
    actOn,
} from './alerts_data.js';

const ANNOUNCE_MS = 4000;

function field(label, control) {
    return h('label', { class: 'field' }, h('span', null, label), control);
}

/**
 * The feed in el. placeOf(alert) → the place's text; announce(text) → the page's status line
 * (results of the user's own acts). Returns {reload(), apply(alert), relabel(), filter()}.
 */
export function createAlertFeed(el, { placeOf, announce }) {
    const f = { state: 'open', severity: '' };
    let alerts = [];
    let nextBefore = null; // the API's cursor: alerts with a lower id are not loaded yet
    let cap = LIMIT; // how many the loaded pages hold
    const items = new Map(); // id → li
    let seq = 0;
    let ctrl = null;

    const stateSel = h('select', { id: 'alert-state' });
    const sevSel = h('select', { id: 'alert-severity' });
    const count = h('p', { class: 'alert-count', id: 'alert-count' });
    const list = h('ol', { id: 'alert-feed', class: 'alert-feed', 'data-state': 'loading' });
    const live = h('div', { id: 'alert-live', class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    const feedHead = h('h3', { class: 'visually-hidden', id: 'alert-feed-title' });
    list.setAttribute('aria-labelledby', 'alert-feed-title');
    const filters = h('div', { class: 'alert-filters' }, field('', stateSel), field('', sevSel));
    const more = h('button', { type: 'button', class: 'button alert-more', id: 'alert-more', hidden: true });
    replaceChildren(el, feedHead, filters, count, list, more, live);

    function renderFilters() {
        replaceChildren(
            stateSel,
            STATES.map((s) => h('option', { value: s }, stateText(s))),
        );
        stateSel.value = f.state;
        replaceChildren(
            sevSel,
            h('option', { value: '' }, t('alert.all_severities')),
            SEVERITIES.map((s) => h('option', { value: s }, severityText(s))),
        );
        sevSel.value = f.severity;
        filters.children[0].firstChild.textContent = t('alert.filter_state');
        filters.children[1].firstChild.textContent = t('alert.filter_severity');
        feedHead.textContent = t('alert.feed');
        more.textContent = t('alert.more');
    }
    stateSel.addEventListener('change', () => {
        f.state = stateSel.value;
        reload();
    });
    sevSel.addEventListener('change', () => {
        f.severity = sevSel.value;
        reload();
    });

    // ---- the dialog of acknowledge / resolve ----------------------------------------------
    const note = h('textarea', { id: 'alert-note', rows: 3, maxlength: 2000 });
    const dlgTitle = h('h2', { id: 'alert-dialog-title' });
    const dlgWhat = h('p', { class: 'alert-dialog-what' });
    const dlgErr = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const dlgSubmit = h('button', { type: 'submit', class: 'button button-primary', id: 'alert-submit' });
    const dlgCancel = h('button', { type: 'button', class: 'button', id: 'alert-cancel' });
    const noteLabel = h('span');
    const form = h(
        'form',
        { class: 'alert-form', method: 'dialog', novalidate: true },
        dlgTitle,
        dlgWhat,
        h('label', { class: 'field' }, noteLabel, note),
        dlgErr,
        h('div', { class: 'form-actions' }, dlgCancel, dlgSubmit),
    );
    const dialog = h('dialog', { class: 'dialog', id: 'alert-dialog', 'aria-labelledby': 'alert-dialog-title' }, form);
    document.body.append(dialog);
    let acting = null; // {alert, act, from}

    function openDialog(a, act, from) {
        acting = { alert: a, act, from };
        dlgTitle.textContent = t(act === 'ack' ? 'alert.ack_title' : 'alert.resolve_title');
        dlgWhat.textContent = `${severityText(a.severity)} · ${ruleName(a)} · ${a.target || ''}`;
        noteLabel.textContent = t('alert.note');
        note.placeholder = t('alert.note_hint');
        note.value = '';
        dlgErr.hidden = true;
        dlgSubmit.textContent = t(act === 'ack' ? 'alert.ack' : 'alert.resolve');
        dlgSubmit.disabled = false;
        dlgCancel.textContent = t('alert.cancel');
        dialog.showModal();
        note.focus();
    }
    dlgCancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
        const from = acting && acting.from;
        const id = acting && acting.alert.id;
        acting = null;
        // back to the button that opened the dialog, or to its alert's first button
        const li = items.get(id);
        const target = from && from.isConnected ? from : li && li.querySelector('button');
        if (target) target.focus();
    });
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (!acting) return;
        const { alert: a, act } = acting;
        dlgSubmit.disabled = true;
        dlgErr.hidden = true;
        try {
            const out = await actOn(a.id, act, note.value.trim());
            announce(t(act === 'ack' ? 'alert.acked' : 'alert.resolved', { name: ruleName(a) }));
            if (out && out.id === a.id && out.state) apply(out);
            else reload();
            dialog.close();
        } catch (err) {
            dlgErr.textContent = err.message;
            dlgErr.hidden = false;
            dlgSubmit.disabled = false;
        }
    });
    note.addEventListener('keydown', (e) => {
        // Enter sends (a note is one line or two); Shift+Enter breaks the line
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            form.requestSubmit();
        }
    });

    // ---- the items -------------------------------------------------------------------------
    function who(x) {
        return x.by || '—';
    }

    function itemContent(a) {
        const sev = h('span', { class: `sev sev-${a.severity}` }, severityText(a.severity));
        const times =
            a.count > 1
                ? h(
                      'span',
                      { class: 'alert-times', title: t('alert.times_label', { n: a.count }) },
                      t('alert.times', { n: a.count }),
                  )
                : null;
        const flags = [
            a.silenced ? h('span', { class: 'alert-flag' }, t('alert.silenced')) : null,
            a.escalations > 0 ? h('span', { class: 'alert-flag' }, t('alert.escalated', { n: a.escalations })) : null,
        ];
        const acts = [];
        if (a.state === 'firing') acts.push(['ack', 'alert.ack']);
        if (a.state !== 'resolved') acts.push(['resolve', 'alert.resolve']);
        const buttons = acts.map(([act, key]) => {
            const b = h(
                'button',
                {
                    type: 'button',
                    class: 'button alert-act',
                    'data-act': act,
                    'aria-label': `${t(key)}: ${ruleName(a)} (${severityText(a.severity)})`,
                },
                t(key),
            );
            b.addEventListener('click', () => openDialog(a, act, b));
            return b;
        });
        const ack = a.acknowledged;
        const res = a.resolved;
        return [
            h(
                'div',
                { class: 'alert-line' },
                sev,
                ' ',
                h('strong', { class: 'alert-name' }, ruleName(a)),
                times ? [' ', times] : null,
                ' ',
                h('span', { class: `alert-state alert-state-${a.state}` }, stateText(a.state)),
                flags,
            ),
            localText(a.summary) ? h('p', { class: 'alert-summary' }, localText(a.summary)) : null,
            h(
                'dl',
                { class: 'alert-dl' },
                h('dt', null, t('alert.target')),
                h('dd', null, h('code', null, a.target || '—')),
                h('dt', null, t('alert.place')),
                h('dd', { class: 'alert-place' }, placeOf(a)),
                h('dt', null, t('alert.at')),
                h(
                    'dd',
                    null,
                    h('time', { datetime: a.started_at }, formatDateTime(a.started_at)),
                    a.count > 1 && a.last_at ? ` · ${t('alert.last', { time: formatDateTime(a.last_at) })}` : null,
                ),
            ),
            ack
                ? h(
                      'p',
                      { class: 'alert-ack' },
                      t('alert.acked_by', { by: who(ack), at: formatDateTime(ack.at) }),
                      ack.note ? [': ', h('q', { class: 'alert-note' }, ack.note)] : null,
                  )
                : null,
            res
                ? h(
                      'p',
                      { class: 'alert-res' },
                      res.by
                          ? t('alert.resolved_by', { by: res.by, at: formatDateTime(res.at) })
                          : t('alert.resolved_data', { at: formatDateTime(res.at) }),
                      res.note ? [': ', h('q', { class: 'alert-note' }, res.note)] : null,
                  )
                : null,
            buttons.length ? h('div', { class: 'alert-acts' }, buttons) : null,
        ];
    }

    function renderItem(a) {
        let li = items.get(a.id);
        if (!li) {
            li = h('li', { class: 'alert' });
            items.set(a.id, li);
        }
        li.dataset.id = String(a.id);
        li.dataset.state = a.state;
        li.dataset.severity = a.severity;
        li.dataset.count = String(a.count || 1);
        li.className = `alert alert-${a.severity} alert-is-${a.state}`;
        replaceChildren(li, itemContent(a));
        return li;
    }

    function render() {
        // where the focus is, to put it back on the same act of the same alert
        const active = document.activeElement;
        const focusLi = active && active.closest ? active.closest('li.alert') : null;
        const focusId = focusLi && list.contains(focusLi) ? Number(focusLi.dataset.id) : null;
        const focusAct = focusId !== null && active.dataset ? active.dataset.act : null;

        const keep = new Set(alerts.map((a) => a.id));
        for (const [id, li] of items) {
            if (!keep.has(id)) {
                li.remove();
                items.delete(id);
            }
        }
        let prev = null;
        for (const a of alerts) {
            const li = renderItem(a);
            const want = prev ? prev.nextSibling : list.firstChild;
            if (want !== li) list.insertBefore(li, want);
            prev = li;
        }
        const empty = list.querySelector('.alert-empty');
        if (alerts.length && empty) empty.remove();
        if (!alerts.length && !empty) list.append(h('li', { class: 'alert-empty' }, t('alert.none')));
        count.textContent = t(nextBefore === null ? 'alert.count' : 'alert.count_more', { n: alerts.length });
        list.dataset.count = String(alerts.length);
        more.hidden = nextBefore === null;

        if (focusId !== null && !list.contains(document.activeElement)) {
            const li = items.get(focusId);
            const again = li && (li.querySelector(`button[data-act="${focusAct}"]`) || li.querySelector('button'));
            if (again) again.focus();
        }
    }

    async function reload() {
        const mine = ++seq;
        if (ctrl) ctrl.abort();
        ctrl = new AbortController();
        list.dataset.state = 'loading';
        let got;
        try {
            got = await fetchAlertPage(f, ctrl.signal);
        } catch (err) {
            if (mine !== seq || err.name === 'AbortError') return;
            list.dataset.state = 'error';
            count.textContent = t('alert.error', { message: err.message });
            return;
        }
        if (mine !== seq) return;
        alerts = got.alerts;
        nextBefore = got.nextBefore;
        cap = LIMIT;
        render();
        list.dataset.state = 'ready';
    }

    async function loadMore() {
        if (nextBefore === null) return;
        const mine = ++seq;
        if (ctrl) ctrl.abort();
        ctrl = new AbortController();
        list.dataset.state = 'loading';
        more.disabled = true;
        let got;
        try {
            got = await fetchAlertPage(f, ctrl.signal, nextBefore);
        } catch (err) {
            if (mine !== seq || err.name === 'AbortError') return;
            list.dataset.state = 'error';
            count.textContent = t('alert.error', { message: err.message });
            return;
        } finally {
            more.disabled = false;
        }
        if (mine !== seq) return;
        const have = new Set(alerts.map((a) => a.id));
        const added = got.alerts.filter((a) => !have.has(a.id));
        alerts = alerts.concat(added).sort(newestFirst);
        nextBefore = got.nextBefore;
        cap = alerts.length + LIMIT;
        render();
        list.dataset.state = 'ready';
        // the keyboard goes on: "more" again, else the first alert just added
        const first = added.length ? items.get(added[0].id) : null;
        if (more.hidden && first) (first.querySelector('button') || first).focus();
    }
    more.addEventListener('click', loadMore);

    // ---- live ------------------------------------------------------------------------------
    let fresh = [];
    let announceTimer = 0;
    let lastAnnounce = 0;

    function say() {
        announceTimer = 0;
        if (!fresh.length) return;
        const top = fresh.reduce((x, y) => (severityRank(y.severity) > severityRank(x.severity) ? y : x));
        live.textContent =
            fresh.length === 1
                ? t('alert.new_one', { severity: severityText(top.severity), name: ruleName(top) })
                : t('alert.new_many', { n: fresh.length, severity: severityText(top.severity) });
        fresh = [];
        lastAnnounce = Date.now();
    }

    function apply(a) {
        if (!a || typeof a.id !== 'number') return;
        const i = alerts.findIndex((x) => x.id === a.id);
        if (i >= 0) alerts.splice(i, 1);
        // below the cursor it is not in the loaded range: "more" brings it in its place
        if (matches(a, f) && (nextBefore === null || a.id >= nextBefore || i >= 0)) {
            alerts.push(a);
            alerts.sort(newestFirst);
            if (alerts.length > cap) {
                alerts.length = cap;
                nextBefore = alerts[cap - 1].id; // what fell off comes back with "more"
            }
        }
        render();
        if ((a.change === 'fired' || a.change === 'escalated') && !a.silenced) {
            fresh.push(a);
            if (!announceTimer) {
                announceTimer = setTimeout(say, Math.max(0, lastAnnounce + ANNOUNCE_MS - Date.now(), 500));
            }
        }
    }

    renderFilters();
    return {
        reload,
        apply,
        relabel() {
            renderFilters();
            render();
        },
        /** The current filter {state, severity}. */
        filter: () => ({ ...f }),
    };
}
