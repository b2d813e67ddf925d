// dashboards_edit.js — the dashboard editor, #dashboards/<id>?edit=1, for admins only (the
// dashboards screen opens it when the session's role is admin; the server refuses writes of
// anyone else anyway).
//
// It loads the document (GET /dashboards/{id}: its revision), edits a working copy and saves it
// with PUT /dashboards/{id} and If-Match: "revision" (dashboards_edit_doc.js cleanDoc: exactly
// the documented format). The panels are boxes on the document's grid with fixed-height rows:
// drag a box to move it, drag its corner to resize it; with the keyboard, arrows move the focused
// box and Shift+arrows resize it (a place off the grid or over another panel is refused). Enter
// or a click opens the panel's form (dashboards_edit_form.js). Save goes back to the view; a 412
// says that someone else changed the dashboard and offers to reload it; a 422 shows the server's
// message under the field it names. Cancel (or Escape) discards the changes.
// Test hooks: #dash-edit[data-dashboard][data-state=loading|ready|saving|conflict|error],
// .dash-edit-panel[data-panel][data-x][data-y][data-w][data-h], #dash-edit-message.

import { t } from './i18n.js';
import { h, replaceChildren } from './dom.js';
import { apiSend } from './api.js';
import { domains, getDashboard, indicator, tr } from './dashboards_data.js';
import {
    TYPES,
    canPlace,
    cleanDoc,
    codesOf,
    columnsOf,
    newPanel,
    rowsUsed,
    splitField,
} from './dashboards_edit_doc.js';
import { metaFields, panelForm } from './dashboards_edit_form.js';
import { confirmDelete } from './dashboards_edit_new.js';

const ROW_PX = 56;
const KEYS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** True when the signed-in user may edit dashboards. */
export function isAdmin() {
    return document.body.dataset.session === 'admin';
}

export function startEditor(root, view, { viewHash, announce }) {
    let saved = null; // the document as loaded (its revision is the If-Match)
    let draft = null;
    let selected = -1;
    let errors = { meta: {}, panel: null, general: '' };
    let alive = true;
    let domainList = [];
    const el = {
        root: h('div', { class: 'dash-edit', id: 'dash-edit', dataset: { dashboard: view.id, state: 'loading' } }),
    };
    replaceChildren(root, el.root);

    const back = () => viewHash({ id: view.id, unit: view.unit, kind: view.kind });
    const setState = (s) => (el.root.dataset.state = s);

    async function load() {
        setState('loading');
        try {
            const [doc, d] = await Promise.all([getDashboard(view.id), domainList.length ? null : domains()]);
            if (d) domainList = d.domains || [];
            saved = doc;
            const { revision, updated_at, updated_by, ...rest } = doc;
            draft = structuredClone(rest);
            draft.panels = draft.panels || [];
        } catch (err) {
            if (!alive) return false;
            setState('error');
            replaceChildren(
                el.root,
                h('p', { class: 'dash-error', role: 'alert' }, t('dash.error', { message: err.message })),
            );
            return false;
        }
        if (!alive) return false;
        selected = -1;
        errors = { meta: {}, panel: null, general: '' };
        render();
        setState('ready');
        return true;
    }

    function message(text, action) {
        replaceChildren(el.msg, text, action || '');
        el.msg.hidden = !text;
    }

    function toolbar() {
        const type = h('select', { class: 'dash-select', id: 'dash-add-type' });
        for (const v of TYPES) type.append(h('option', { value: v }, t(`dash.type.${v}`)));
        const add = h('button', { type: 'button', class: 'button', id: 'dash-add' }, t('dash.edit.add'));
        const save = h(
            'button',
            { type: 'button', class: 'button button-primary', id: 'dash-save' },
            t('dash.edit.save'),
        );
        const cancel = h('button', { type: 'button', class: 'button', id: 'dash-cancel' }, t('dash.edit.cancel'));
        const del = h(
            'button',
            { type: 'button', class: 'button dash-danger', id: 'dash-delete' },
            t('dash.edit.delete'),
        );
        add.addEventListener('click', () => addPanel(type.value));
        save.addEventListener('click', saveDoc);
        cancel.addEventListener('click', cancelEdit);
        del.addEventListener('click', () =>
            confirmDelete({
                doc: saved,
                announce,
                onConflict: conflict,
                onDone: () => (location.hash = '#dashboards'),
            }),
        );
        return h(
            'div',
            { class: 'dash-edit-tools', role: 'toolbar', 'aria-label': t('dash.edit.tools') },
            h('label', { for: 'dash-add-type' }, t('dash.edit.type')),
            type,
            add,
            h('span', { class: 'dash-spacer' }),
            del,
            cancel,
            save,
        );
    }

    function render() {
        el.msg = h('div', { class: 'dash-edit-message', id: 'dash-edit-message', role: 'alert', hidden: true });
        el.grid = h('div', { class: 'dash-edit-grid', id: 'dash-edit-grid' });
        el.aside = h('aside', { class: 'dash-edit-aside', 'aria-label': t('dash.edit.panel_settings') });
        el.help = h('p', { class: 'dash-hint', id: 'dash-edit-help' }, t('dash.edit.help'));
        replaceChildren(
            el.root,
            h(
                'header',
                { class: 'dash-head' },
                h('div', { class: 'dash-nav' }, h('a', { href: back(), class: 'dash-back-list' }, t('dash.edit.back'))),
                h(
                    'h2',
                    { class: 'dash-title', id: 'dash-title' },
                    t('dash.edit.heading', { title: tr(saved, 'title') }),
                ),
            ),
            toolbar(),
            el.msg,
            metaFields(draft, domainList, errors.meta),
            el.help,
            h('div', { class: 'dash-edit-body' }, el.grid, el.aside),
        );
        if (errors.general) message(errors.general);
        renderGrid();
        renderForm();
    }

    function label(p) {
        const codes = codesOf(p);
        return tr(p, 'title') || codes[0] || p.id;
    }

    function describe(p) {
        return t('dash.edit.box', {
            title: label(p),
            type: t(`dash.type.${p.type}`),
            x: p.x + 1,
            y: p.y + 1,
            w: p.w,
            h: p.h,
        });
    }

    function position(box, p) {
        box.style.gridColumn = `${p.x + 1} / span ${p.w}`;
        box.style.gridRow = `${p.y + 1} / span ${p.h}`;
        Object.assign(box.dataset, { x: p.x, y: p.y, w: p.w, h: p.h });
        box.setAttribute('aria-label', describe(p));
    }

    function sizeRows() {
        const rows = Math.min(96, Math.max(rowsUsed(draft) + 3, 6));
        el.grid.style.gridTemplateColumns = `repeat(${columnsOf(draft)}, minmax(0, 1fr))`;
        el.grid.style.gridTemplateRows = `repeat(${rows}, ${ROW_PX}px)`;
    }

    function box(p, i) {
        const title = h('h3', { class: 'dash-panel-title' }, label(p));
        if (!tr(p, 'title') && codesOf(p)[0])
            indicator(codesOf(p)[0]).then(
                (ind) => (title.textContent = tr(ind, 'name')),
                () => {},
            );
        const bad = errors.panel && errors.panel.index === i;
        const b = h(
            'section',
            {
                class: `dash-edit-panel${i === selected ? ' is-selected' : ''}${bad ? ' has-error' : ''}`,
                tabindex: '0',
                role: 'button',
                'aria-pressed': i === selected ? 'true' : 'false',
                'aria-describedby': 'dash-edit-help',
                dataset: { panel: p.id, type: p.type },
            },
            title,
            h('p', { class: 'dash-edit-type' }, t(`dash.type.${p.type}`)),
            h('p', { class: 'dash-edit-codes' }, codesOf(p).join(', ')),
            h('span', { class: 'dash-resize', 'aria-hidden': 'true', title: t('dash.edit.resize') }),
        );
        position(b, p);
        b.addEventListener('keydown', (e) => onKey(e, i, b));
        b.addEventListener('pointerdown', (e) => onPointer(e, i, b));
        return b;
    }

    function renderGrid(focus = -1) {
        sizeRows();
        replaceChildren(el.grid, draft.panels.map(box));
        if (!draft.panels.length) el.grid.append(h('p', { class: 'dash-empty dash-edit-empty' }, t('dash.edit.empty')));
        if (focus >= 0 && el.grid.children[focus]) el.grid.children[focus].focus();
    }

    function renderForm(focus = false) {
        if (selected < 0 || !draft.panels[selected]) {
            replaceChildren(el.aside, h('p', { class: 'dash-hint' }, t('dash.edit.pick_panel')));
            return;
        }
        const i = selected;
        const p = draft.panels[i];
        const errs = errors.panel && errors.panel.index === i ? { [errors.panel.field]: errors.panel.message } : {};
        const f = panelForm(p, {
            errors: errs,
            onChange: () => {
                const b = el.grid.children[i];
                if (b) b.replaceWith(box(p, i));
            },
            onRemove: () => removePanel(i),
            onClose: () => select(-1, i),
        });
        replaceChildren(el.aside, f.form);
        if (focus) f.focus();
    }

    /** Select panel i (-1: none), redraw, and focus its form (or the box refocus). */
    function select(i, refocus = -1) {
        selected = i;
        renderGrid(refocus);
        renderForm(i >= 0);
    }

    function place(i, g, b) {
        if (!canPlace(draft, g, i)) return false;
        Object.assign(draft.panels[i], g);
        position(b, draft.panels[i]);
        sizeRows();
        return true;
    }

    function onKey(e, i, b) {
        if (e.target !== b) return;
        const d = KEYS[e.key];
        if (d) {
            e.preventDefault();
            const p = draft.panels[i];
            const g = e.shiftKey
                ? { x: p.x, y: p.y, w: p.w + d[0], h: p.h + d[1] }
                : { x: p.x + d[0], y: p.y + d[1], w: p.w, h: p.h };
            announce(place(i, g, b) ? describe(p) : t('dash.edit.blocked'));
        } else if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            select(i);
        } else if (e.key === 'Delete') {
            e.preventDefault();
            removePanel(i);
        }
    }

    function onPointer(e, i, b) {
        if (e.button !== 0) return;
        e.preventDefault();
        b.focus();
        const resize = Boolean(e.target.closest('.dash-resize'));
        const p = draft.panels[i];
        const start = { x: p.x, y: p.y, w: p.w, h: p.h };
        const gap = parseFloat(getComputedStyle(el.grid).columnGap) || 0;
        const cols = columnsOf(draft);
        const cw = (el.grid.clientWidth - gap * (cols - 1)) / cols + gap;
        const rh = ROW_PX + (parseFloat(getComputedStyle(el.grid).rowGap) || 0);
        const sx = e.clientX;
        const sy = e.clientY;
        let moved = false;
        b.setPointerCapture(e.pointerId);
        b.classList.add('is-dragging');
        const move = (ev) => {
            if (Math.abs(ev.clientX - sx) + Math.abs(ev.clientY - sy) > 4) moved = true;
            const dx = Math.round((ev.clientX - sx) / cw);
            const dy = Math.round((ev.clientY - sy) / rh);
            const g = resize
                ? { ...start, w: start.w + dx, h: start.h + dy }
                : { ...start, x: start.x + dx, y: start.y + dy };
            place(i, g, b);
        };
        const up = () => {
            b.removeEventListener('pointermove', move);
            b.removeEventListener('pointerup', up);
            b.removeEventListener('pointercancel', up);
            b.classList.remove('is-dragging');
            if (!moved) select(i);
            else announce(describe(p));
        };
        b.addEventListener('pointermove', move);
        b.addEventListener('pointerup', up);
        b.addEventListener('pointercancel', up);
    }

    function addPanel(type) {
        const p = newPanel(draft, type);
        if (!p) return message(t('dash.edit.full'));
        draft.panels.push(p);
        select(draft.panels.length - 1);
        announce(t('dash.edit.added', { box: describe(p) }));
    }

    function removePanel(i) {
        const p = draft.panels[i];
        draft.panels.splice(i, 1);
        if (errors.panel && errors.panel.index === i) errors.panel = null;
        selected = -1;
        renderGrid(Math.min(i, draft.panels.length - 1));
        renderForm();
        announce(t('dash.edit.removed', { title: label(p) }));
        if (!draft.panels.length) el.root.querySelector('#dash-add').focus();
    }

    function conflict() {
        setState('conflict');
        const reload = h('button', { type: 'button', class: 'button', id: 'dash-reload' }, t('dash.edit.reload'));
        reload.addEventListener('click', async () => {
            if (await load()) announce(t('dash.edit.reloaded'));
        });
        message(h('span', {}, t('dash.edit.conflict'), ' '), reload);
        reload.focus();
    }

    async function saveDoc() {
        setState('saving');
        errors = { meta: {}, panel: null, general: '' };
        message('');
        try {
            await apiSend('PUT', `/dashboards/${encodeURIComponent(draft.id)}`, cleanDoc(draft), {
                'If-Match': `"${saved.revision}"`,
            });
        } catch (err) {
            if (!alive) return;
            if (err.status === 412) return conflict();
            setState('ready');
            if (err.status === 422 && typeof err.field === 'string') {
                const { panel, field: f } = splitField(err.field);
                if (panel >= 0 && draft.panels[panel]) {
                    errors.panel = { index: panel, field: f, message: err.message };
                    selected = panel;
                } else if (['title_vi', 'title_en', 'domain'].includes(f)) errors.meta[f] = err.message;
                else errors.general = t('dash.edit.invalid', { field: err.field || '—', message: err.message });
            } else errors.general = t('dash.edit.save_error', { message: err.message });
            render();
            message(errors.general || t('dash.edit.fix'));
            const bad = el.root.querySelector('[aria-invalid="true"]');
            if (bad) bad.focus();
            return;
        }
        announce(t('dash.edit.saved'));
        location.hash = back();
    }

    function cancelEdit() {
        announce(t('dash.edit.cancelled'));
        location.hash = back();
    }

    el.root.addEventListener('keydown', (e) => {
        if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
        e.preventDefault();
        if (selected >= 0 && el.aside.contains(e.target)) select(-1, selected);
        else cancelEdit();
    });

    return {
        done: load(),
        title: () => (saved ? tr(saved, 'title') : ''),
        relabel: () => draft && alive && (render(), undefined),
        destroy() {
            alive = false;
        },
    };
}
