// reports_acts.js — the staff's acts on one report besides a transition, for the queue's detail
// (reports_queue.js): a note alone (POST /api/v1/reports/{id}/notes {note, public}: the state
// stays, a public note becomes the citizen's status_notes) and a merge into the report to keep
// (POST …/merge {into, note?, public?}: this one becomes duplicate). The merge offers candidates
// — reports of the same service in the same commune that are not duplicates themselves, nearest
// first (the staff's API has no nearby search; the Open311 POST's nearby list is not kept) — or
// takes a typed id, and asks in a modal dialog before it sends.
//
// Hooks for tests: #rq-note (form), #rq-note-text, #rq-note-public, #rq-note-send; #rq-merge
// (form), #rq-merge-into, #rq-merge-cands button[data-id], #rq-merge-send, #rq-merge-dialog,
// #rq-merge-confirm.

import { apiGet, apiSend } from './api.js';
import { t } from './i18n.js';
import { h, replaceChildren } from './dom.js';
import { formatDateTime } from './format.js';

function field(label, control) {
    return h('label', { class: 'field' }, h('span', null, label), control);
}

// Metres between two points (haversine; enough to sort neighbours).
function distance(a, b) {
    const rad = Math.PI / 180;
    const dLat = (b.lat - a.lat) * rad;
    const dLon = (b.long - a.long) * rad;
    const s = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * 6371000 * Math.asin(Math.sqrt(s));
}

/** The note-only form: the note is required, internal unless "public" is ticked. */
export function noteForm(r, { announce, onDone }) {
    const text = h('textarea', { id: 'rq-note-text', rows: 2, maxlength: 4000, 'aria-required': 'true' });
    const pub = h('input', { type: 'checkbox', id: 'rq-note-public' });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const send = h('button', { type: 'submit', class: 'button', id: 'rq-note-send' }, t('rq.note_send'));
    const form = h(
        'form',
        { id: 'rq-note', class: 'rq-act' },
        h('h3', null, t('rq.note_title')),
        field(t('rq.act_note'), text),
        h('label', { class: 'rq-check' }, pub, ' ', t('rq.act_public')),
        err,
        send,
    );
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        err.hidden = true;
        const note = text.value.trim();
        if (!note) {
            err.textContent = t('rq.note_empty');
            err.hidden = false;
            text.focus();
            return;
        }
        send.disabled = true;
        try {
            await apiSend('POST', `/reports/${r.id}/notes`, { note, public: pub.checked });
            announce(t(pub.checked ? 'rq.note_done_public' : 'rq.note_done'));
            await onDone();
        } catch (x) {
            err.textContent = x.message;
            err.hidden = false;
            send.disabled = false;
        }
    });
    return form;
}

// The candidates to keep: same service and commune, not r, not a duplicate; nearest first.
async function candidates(r) {
    if (!r.unit_code) return [];
    const res = await apiGet('/reports', { service: r.service_code, commune: r.unit_code, page_size: 100 });
    const list = res.reports.filter((x) => x.id !== r.id && x.state !== 'duplicate');
    const here = r.lat !== null && r.long !== null ? r : null;
    for (const x of list) x.distance = here && x.lat !== null && x.long !== null ? distance(here, x) : null;
    list.sort((a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity) || b.id - a.id);
    return list.slice(0, 5);
}

function confirmMerge(r, into, note, { announce, onDone }) {
    const no = h('button', { type: 'button', class: 'button', id: 'rq-merge-cancel' }, t('rq.merge_keep'));
    const yes = h('button', { type: 'button', class: 'button button-primary', id: 'rq-merge-confirm' }, t('rq.merge'));
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const dlg = h(
        'dialog',
        { class: 'dialog', id: 'rq-merge-dialog', 'aria-labelledby': 'rq-merge-title' },
        h('h2', { id: 'rq-merge-title' }, t('rq.merge_title')),
        h('p', null, t('rq.merge_confirm', { id: r.id, into })),
        error,
        h('div', { class: 'form-actions' }, no, yes),
    );
    const opener = document.activeElement;
    dlg.addEventListener('close', () => {
        dlg.remove();
        if (opener && opener.isConnected) opener.focus();
    });
    no.addEventListener('click', () => dlg.close());
    yes.addEventListener('click', async () => {
        yes.disabled = true;
        const body = { into };
        if (note) body.note = note;
        try {
            await apiSend('POST', `/reports/${r.id}/merge`, body);
        } catch (x) {
            yes.disabled = false;
            error.textContent = x.message;
            error.hidden = false;
            return;
        }
        announce(t('rq.merge_done', { id: r.id, into }));
        dlg.close();
        await onDone();
    });
    document.body.append(dlg);
    dlg.showModal();
    no.focus();
}

/** The merge form: a candidate or a typed id, an optional internal note, then the dialog. */
export function mergeForm(r, hooks) {
    const into = h('input', { id: 'rq-merge-into', inputmode: 'numeric', size: 8, autocomplete: 'off' });
    const note = h('input', { id: 'rq-merge-note', maxlength: 4000 });
    const cands = h('ul', { id: 'rq-merge-cands', class: 'rq-cands', 'aria-live': 'polite' });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const form = h(
        'form',
        { id: 'rq-merge', class: 'rq-act' },
        h('h3', null, t('rq.merge_title')),
        h('p', { class: 'rq-hint' }, t('rq.merge_hint')),
        cands,
        field(t('rq.merge_into'), into),
        field(t('rq.act_note'), note),
        err,
        h('button', { type: 'submit', class: 'button', id: 'rq-merge-send' }, t('rq.merge')),
    );
    candidates(r).then(
        (list) => {
            if (!list.length) return replaceChildren(cands, h('li', { class: 'rq-hint' }, t('rq.merge_none')));
            replaceChildren(
                cands,
                list.map((x) => {
                    const b = h(
                        'button',
                        { type: 'button', class: 'button rq-cand', 'data-id': x.id },
                        `#${x.id} · ${t(`report.state.${x.state}`)} · ${formatDateTime(x.requested_at)}`,
                        x.distance !== null ? ` · ${t('rq.merge_m', { m: Math.round(x.distance) })}` : '',
                    );
                    b.addEventListener('click', () => {
                        into.value = String(x.id);
                        into.focus();
                    });
                    return h('li', null, b);
                }),
            );
        },
        () => replaceChildren(cands),
    );
    form.addEventListener('submit', (e) => {
        e.preventDefault();
        err.hidden = true;
        const id = Number(into.value.trim().replace(/^#/, ''));
        if (!Number.isInteger(id) || id <= 0 || id === r.id) {
            err.textContent = t('rq.merge_bad_id');
            err.hidden = false;
            into.focus();
            return;
        }
        confirmMerge(r, id, note.value.trim(), hooks);
    });
    return form;
}
