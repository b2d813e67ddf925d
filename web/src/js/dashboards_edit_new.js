// dashboards_edit_new.js — creating and deleting a dashboard (admins only):
//
// - newDashboardForm({domainList, onCreated}): the list's "new dashboard" form — id (the URL
//   name: a-z, 0-9, -), Vietnamese title, domain. It PUTs the smallest document of the format
//   (no panels) with If-None-Match: *, so an existing dashboard is never replaced (412: the id
//   is taken), and calls onCreated(id): the list then opens the editor.
// - confirmDelete({doc, …}): a modal dialog that asks before DELETE /dashboards/{id} (If-Match:
//   the revision loaded, so a dashboard changed meanwhile is not deleted: onConflict()).
// Test hooks: #dash-new-form, #dash-new-id, #dash-new-title, #dash-new-domain, #dash-new-create,
// #dash-delete-dialog, #dash-delete-confirm.

import { t } from './i18n.js';
import { h } from './dom.js';
import { apiSend } from './api.js';
import { tr } from './dashboards_data.js';
import { field } from './dashboards_edit_form.js';

function fieldError(form, name, msg) {
    for (const p of form.querySelectorAll('.dash-edit-field > .dash-field-error')) {
        const on = p.dataset.field === name && Boolean(msg);
        p.hidden = !on;
        p.textContent = on ? msg : '';
        const input = p.parentElement.querySelector('input, select');
        if (input) {
            if (on) {
                input.setAttribute('aria-invalid', 'true');
                input.setAttribute('aria-describedby', p.id);
            } else input.removeAttribute('aria-invalid');
        }
    }
}

export function newDashboardForm({ domainList, onCreated, onClose }) {
    const id = h('input', {
        type: 'text',
        id: 'dash-new-id',
        class: 'dash-input',
        autocomplete: 'off',
        spellcheck: 'false',
        pattern: '[a-z0-9][a-z0-9-]{0,63}',
        placeholder: 'vd. cchc-theo-doi',
    });
    const title = h('input', { type: 'text', id: 'dash-new-title', class: 'dash-input', lang: 'vi' });
    const domain = h('select', { id: 'dash-new-domain', class: 'dash-select' });
    domain.append(h('option', { value: '' }, t('dash.edit.no_domain')));
    for (const d of domainList) domain.append(h('option', { value: d.code }, `${d.code} — ${tr(d, 'name')}`));
    const create = h(
        'button',
        { type: 'submit', class: 'button button-primary', id: 'dash-new-create' },
        t('dash.new.create'),
    );
    const cancel = h('button', { type: 'button', class: 'button', id: 'dash-new-cancel' }, t('dash.edit.cancel'));
    const general = h('p', { class: 'dash-field-error', role: 'alert', hidden: true });
    const form = h(
        'form',
        { class: 'dash-new-form', id: 'dash-new-form', novalidate: true },
        h('h3', {}, t('dash.new.title')),
        field(t('dash.new.id'), id, 'id'),
        h('p', { class: 'dash-hint' }, t('dash.new.id_hint')),
        field(t('dash.edit.title_vi'), title, 'title_vi'),
        field(t('dash.domain'), domain, 'domain'),
        general,
        h('div', { class: 'form-actions' }, cancel, create),
    );
    cancel.addEventListener('click', onClose);
    form.addEventListener('keydown', (e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) {
            e.preventDefault();
            onClose();
        }
    });
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        fieldError(form, '', '');
        general.hidden = true;
        const name = id.value.trim();
        if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(name)) return fieldError(form, 'id', t('dash.new.bad_id'));
        if (!title.value.trim()) return fieldError(form, 'title_vi', t('dash.new.need_title'));
        create.disabled = true;
        try {
            const doc = {
                version: 1,
                id: name,
                title_vi: title.value.trim(),
                domain: domain.value || null,
                grid: { columns: 12 },
                panels: [],
            };
            // create only: the server refuses (412) an id that exists, even one made meanwhile
            await apiSend('PUT', `/dashboards/${encodeURIComponent(name)}`, doc, { 'If-None-Match': '*' });
            onCreated(name);
        } catch (err) {
            if (err.status === 412) fieldError(form, 'id', t('dash.new.exists'));
            else if (err.status === 422 && ['id', 'title_vi', 'domain'].includes(err.field))
                fieldError(form, err.field, err.message);
            else {
                general.textContent = t('dash.edit.save_error', { message: err.message });
                general.hidden = false;
            }
        } finally {
            create.disabled = false;
        }
    });
    return { form, focus: () => id.focus() };
}

export function confirmDelete({ doc, announce, onConflict, onDone }) {
    const no = h('button', { type: 'button', class: 'button', id: 'dash-delete-cancel' }, t('dash.edit.keep'));
    const yes = h(
        'button',
        { type: 'button', class: 'button dash-danger', id: 'dash-delete-confirm' },
        t('dash.edit.delete'),
    );
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const dlg = h(
        'dialog',
        { class: 'dialog', id: 'dash-delete-dialog', 'aria-labelledby': 'dash-delete-title' },
        h('h2', { id: 'dash-delete-title' }, t('dash.edit.delete_title')),
        h('p', {}, t('dash.edit.delete_confirm', { title: tr(doc, 'title') })),
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
        try {
            await apiSend('DELETE', `/dashboards/${encodeURIComponent(doc.id)}`, undefined, {
                'If-Match': `"${doc.revision}"`,
            });
        } catch (err) {
            yes.disabled = false;
            if (err.status === 412) {
                dlg.close();
                return onConflict();
            }
            error.textContent = t('dash.edit.save_error', { message: err.message });
            error.hidden = false;
            return;
        }
        announce(t('dash.edit.deleted', { title: tr(doc, 'title') }));
        dlg.close();
        onDone();
    });
    document.body.append(dlg);
    dlg.showModal();
    no.focus();
}
