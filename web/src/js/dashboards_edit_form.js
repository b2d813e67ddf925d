// dashboards_edit_form.js — the forms of the dashboard editor: the dashboard's titles and domain
// (metaFields), and the form that configures one panel
// (dashboards_edit.js): type, titles (vi, en), the indicator(s) — picked with a search of the
// catalogue (GET /indicators?q=: code or name, case and diacritics ignored) — unit, period, the
// text of a text panel, and the options the format allows for the type (dashboards_edit_doc.js).
// Fields write into the panel object as they change and call onChange(); a change of type
// rebuilds the form (options of the old type are dropped by the document's clean()).
// An error of the server (422 naming a member of this panel) is shown under its field.
// Test hooks: #dash-panel-form[data-panel], [data-field] on every field, .dash-field-error,
// #dash-ind-q (the indicator search), .dash-ind-option[data-code], .dash-code[data-code].

import { t } from './i18n.js';
import { h, replaceChildren } from './dom.js';
import { apiGet } from './api.js';
import { indicator, tr } from './dashboards_data.js';
import { MULTI, OPTIONS, TYPES, codesOf, setCodes } from './dashboards_edit_doc.js';

const DEBOUNCE_MS = 200;
let uid = 0;

/** A labelled field with its error line; name is the member's path within the panel or document. */
export function field(label, input, name, errors = {}) {
    if (!input.id) input.id = `dash-f-${++uid}`;
    const msg = errors[name] || '';
    const err = h(
        'p',
        { class: 'dash-field-error', id: `${input.id}-err`, dataset: { field: name }, hidden: !msg },
        msg,
    );
    if (msg) {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', err.id);
    }
    return h(
        'div',
        { class: 'field dash-edit-field', dataset: { field: name } },
        h('label', { for: input.id }, label),
        input,
        err,
    );
}

function select(values, current, label) {
    const s = h('select', { class: 'dash-select' });
    for (const v of values) s.append(h('option', { value: v }, label(v)));
    s.value = current;
    return s;
}

function textInput(value, attrs = {}) {
    return h('input', { type: 'text', class: 'dash-input', value: value || '', autocomplete: 'off', ...attrs });
}

/** The indicator picker: chosen codes (removable) and a combobox searching the catalogue. */
function picker(panel, errors, onChange) {
    const listId = `dash-ind-list-${++uid}`;
    const chips = h('ul', { class: 'dash-codes' });
    const input = h('input', {
        type: 'search',
        id: 'dash-ind-q',
        class: 'dash-input',
        role: 'combobox',
        'aria-autocomplete': 'list',
        'aria-expanded': 'false',
        'aria-controls': listId,
        autocomplete: 'off',
        spellcheck: 'false',
        placeholder: t('dash.edit.indicator_placeholder'),
    });
    const list = h('ul', { id: listId, class: 'dash-ind-list', role: 'listbox', hidden: true });
    let results = [];
    let active = -1;
    let timer = 0;
    let seq = 0;

    function drawChips() {
        replaceChildren(
            chips,
            codesOf(panel).map((code) => {
                const name = h('span', { class: 'dash-code-name' });
                indicator(code).then(
                    (ind) => (name.textContent = ` ${tr(ind, 'name')}`),
                    () => {},
                );
                const remove = h(
                    'button',
                    {
                        type: 'button',
                        class: 'button dash-code-remove',
                        'aria-label': t('dash.edit.remove_code', { code }),
                    },
                    '×',
                );
                remove.addEventListener('click', () => {
                    setCodes(
                        panel,
                        codesOf(panel).filter((c) => c !== code),
                    );
                    drawChips();
                    onChange();
                    input.focus();
                });
                return h('li', { class: 'dash-code', dataset: { code } }, h('strong', {}, code), name, ' ', remove);
            }),
        );
    }

    function open(on) {
        list.hidden = !on;
        input.setAttribute('aria-expanded', on ? 'true' : 'false');
        if (!on) input.removeAttribute('aria-activedescendant');
    }

    function mark(i) {
        active = i;
        [...list.children].forEach((li, k) => li.setAttribute('aria-selected', k === i ? 'true' : 'false'));
        if (i >= 0) input.setAttribute('aria-activedescendant', list.children[i].id);
    }

    function pick(code) {
        setCodes(panel, MULTI.has(panel.type) ? [...codesOf(panel), code] : [code]);
        input.value = '';
        open(false);
        drawChips();
        onChange();
    }

    async function search() {
        const q = input.value.trim();
        const n = ++seq;
        if (!q) return open(false);
        let data;
        try {
            data = await apiGet('/indicators', { q, page_size: 10 });
        } catch {
            return;
        }
        if (n !== seq) return;
        results = data.indicators || [];
        replaceChildren(
            list,
            results.length
                ? results.map((ind, i) => {
                      const li = h(
                          'li',
                          {
                              id: `${listId}-${i}`,
                              role: 'option',
                              class: 'dash-ind-option',
                              dataset: { code: ind.code },
                          },
                          h('strong', {}, ind.code),
                          ` ${tr(ind, 'name')}`,
                      );
                      li.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the box
                      li.addEventListener('click', () => pick(ind.code));
                      return li;
                  })
                : h(
                      'li',
                      { class: 'dash-ind-none', role: 'option', 'aria-disabled': 'true' },
                      t('dash.edit.no_indicator'),
                  ),
        );
        list.dataset.query = q;
        mark(-1);
        open(true);
    }

    input.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(search, DEBOUNCE_MS);
    });
    input.addEventListener('keydown', (e) => {
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            if (!results.length || list.hidden) return;
            e.preventDefault();
            const d = e.key === 'ArrowDown' ? 1 : -1;
            mark((active + d + results.length) % results.length);
        } else if (e.key === 'Enter') {
            e.preventDefault();
            if (!list.hidden && results.length) pick(results[Math.max(0, active)].code);
        } else if (e.key === 'Escape' && !list.hidden) {
            e.preventDefault(); // closes the list only, not the editor
            open(false);
        }
    });
    input.addEventListener('blur', () => setTimeout(() => open(false), 150));
    drawChips();
    const label = MULTI.has(panel.type) ? t('dash.edit.indicators') : t('dash.edit.indicator');
    const f = field(label, input, 'indicator', errors);
    f.insertBefore(chips, input);
    f.insertBefore(list, f.lastChild);
    return f;
}

function unitField(panel, errors, onChange) {
    const u = panel.unit || 'province';
    const kind = u === 'province' || u === '$unit' ? u : 'code';
    const s = select(['province', '$unit', 'code'], kind, (v) => t(`dash.edit.unit.${v === '$unit' ? 'view' : v}`));
    const code = textInput(kind === 'code' ? u : '', { inputmode: 'numeric', 'aria-label': t('dash.edit.unit_code') });
    code.hidden = kind !== 'code';
    const sync = () => {
        code.hidden = s.value !== 'code';
        panel.unit = s.value === 'code' ? code.value.trim() : s.value;
        onChange();
    };
    s.addEventListener('change', sync);
    code.addEventListener('input', sync);
    const f = field(t('dash.edit.unit'), s, 'unit', errors);
    f.insertBefore(code, f.lastChild);
    return f;
}

function optionField(panel, name, spec, errors, onChange) {
    const o = panel.options || (panel.options = {});
    const v = o[name];
    let input;
    if (spec.kind === 'bool' || spec.kind === 'enum') {
        const values = spec.kind === 'bool' ? ['', 'true', 'false'] : ['', ...spec.values];
        input = select(values, v === undefined ? '' : String(v), (x) =>
            x === '' ? t('dash.edit.default') : t(`dash.optval.${x}`),
        );
        input.addEventListener('change', () => {
            const x = input.value;
            if (x === '') delete o[name];
            else o[name] = spec.kind === 'bool' ? x === 'true' : x;
            onChange();
        });
    } else {
        input = h('input', {
            type: 'number',
            class: 'dash-input',
            value: v === undefined ? '' : String(v),
            min: spec.min,
            max: spec.max,
            step: spec.kind === 'int' ? 1 : 'any',
        });
        input.addEventListener('input', () => {
            const x = input.value.trim();
            if (x === '' || !Number.isFinite(Number(x))) delete o[name];
            else o[name] = Number(x);
            onChange();
        });
    }
    return field(t(`dash.opt.${name}`), input, `options.${name}`, errors);
}

/** The dashboard's own fields (titles, domain), writing into draft. errors: {member: message}. */
export function metaFields(draft, domainList, errors) {
    const titleVi = textInput(draft.title_vi, { id: 'dash-edit-title-vi', lang: 'vi' });
    const titleEn = textInput(draft.title_en, { id: 'dash-edit-title-en', lang: 'en' });
    const domain = select(['', ...domainList.map((d) => d.code)], draft.domain || '', (code) => {
        const d = domainList.find((x) => x.code === code);
        return d ? `${d.code} — ${tr(d, 'name')}` : t('dash.edit.no_domain');
    });
    domain.id = 'dash-edit-domain';
    titleVi.addEventListener('input', () => (draft.title_vi = titleVi.value));
    titleEn.addEventListener('input', () => (draft.title_en = titleEn.value));
    domain.addEventListener('change', () => (draft.domain = domain.value || null));
    return h(
        'fieldset',
        { class: 'dash-edit-meta' },
        h('legend', {}, t('dash.edit.meta')),
        field(t('dash.edit.title_vi'), titleVi, 'title_vi', errors),
        field(t('dash.edit.title_en'), titleEn, 'title_en', errors),
        field(t('dash.domain'), domain, 'domain', errors),
    );
}

/**
 * The form for panel: {form, focus()}. errors: {field: message} for this panel ("place",
 * "indicator", "options.limit", …). onChange() after every change, onRemove(), onClose().
 */
export function panelForm(panel, { errors = {}, onChange, onRemove, onClose }) {
    const form = h('form', {
        class: 'dash-panel-form',
        id: 'dash-panel-form',
        dataset: { panel: panel.id },
        novalidate: true,
    });
    form.addEventListener('submit', (e) => e.preventDefault());

    function build() {
        const known = new Set(['type', 'title_vi', 'title_en']);
        const type = select(TYPES, panel.type, (v) => t(`dash.type.${v}`));
        type.addEventListener('change', () => {
            panel.type = type.value;
            setCodes(panel, codesOf(panel)); // one code unless the new type shows several
            if (panel.type === 'text' && panel.text_vi === undefined) panel.text_vi = '';
            // a line shows values over time: it needs a range (the server refuses it otherwise)
            if (panel.type === 'line' && !/^(year|\d{4}|last\d+)$/.test(panel.period || '')) panel.period = 'last12';
            onChange();
            build();
            form.querySelector('select').focus();
        });
        const titleVi = textInput(panel.title_vi, { lang: 'vi' });
        const titleEn = textInput(panel.title_en, { lang: 'en' });
        titleVi.addEventListener('input', () => ((panel.title_vi = titleVi.value), onChange()));
        titleEn.addEventListener('input', () => ((panel.title_en = titleEn.value), onChange()));
        const parts = [
            h('h3', { class: 'dash-form-title' }, t('dash.edit.panel_title', { id: panel.id })),
            field(t('dash.edit.type'), type, 'type', errors),
            field(t('dash.edit.title_vi'), titleVi, 'title_vi', errors),
            field(t('dash.edit.title_en'), titleEn, 'title_en', errors),
        ];
        if (panel.type === 'text') {
            for (const lang of ['vi', 'en']) {
                const area = h('textarea', { class: 'dash-input', rows: 4, lang }, panel[`text_${lang}`] || '');
                area.addEventListener('input', () => ((panel[`text_${lang}`] = area.value), onChange()));
                parts.push(field(t(`dash.edit.text_${lang}`), area, `text_${lang}`, errors));
                known.add(`text_${lang}`);
            }
        } else {
            parts.push(picker(panel, errors, onChange), unitField(panel, errors, onChange));
            const period = textInput(panel.period, { placeholder: 'latest', spellcheck: 'false' });
            period.addEventListener('input', () => ((panel.period = period.value.trim()), onChange()));
            const pf = field(t('dash.edit.period'), period, 'period', errors);
            pf.insertBefore(h('p', { class: 'dash-hint' }, t('dash.edit.period_hint')), pf.lastChild);
            parts.push(pf);
            for (const k of ['indicator', 'unit', 'period']) known.add(k);
            for (const [name, spec] of Object.entries(OPTIONS[panel.type] || {})) {
                parts.push(optionField(panel, name, spec, errors, onChange));
                known.add(`options.${name}`);
            }
        }
        // an error of the panel as a whole (overlap, place) or of a member with no field here
        const other = Object.entries(errors).find(([k]) => !known.has(k));
        parts.splice(
            1,
            0,
            h(
                'p',
                { class: 'dash-field-error', role: 'alert', dataset: { field: 'place' }, hidden: !other },
                other ? other[1] : '',
            ),
        );
        const done = h(
            'button',
            { type: 'button', class: 'button button-primary', id: 'dash-panel-done' },
            t('dash.edit.done'),
        );
        const remove = h(
            'button',
            { type: 'button', class: 'button', id: 'dash-panel-remove' },
            t('dash.edit.remove_panel'),
        );
        done.addEventListener('click', onClose);
        remove.addEventListener('click', onRemove);
        parts.push(h('div', { class: 'form-actions' }, remove, done));
        replaceChildren(form, parts);
    }

    build();
    return {
        form,
        focus() {
            const bad = form.querySelector('[aria-invalid="true"]');
            (bad || form.querySelector('select')).focus();
        },
    };
}
