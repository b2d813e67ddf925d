// citizen.js — entry point of the public citizen page (citizen.html, served at /citizen).
//
// Three tabs kept in location.hash: #new (file a report: a service of GET
// /open311/v2/services.json grouped, its attributes from services/{code}.json, a description, a
// point from the browser's GPS or a tap on the communes' map, photos (citizen_photos.js; then the
// POST is multipart with `media` parts, else form-urlencoded)), #follow (a report by its number,
// GET requests/{id}.json?extensions=true: status, public notes, photo; with its token, a rating)
// and #map (the reports of the last 90 days as dots: service and status only, Open311 carries no
// personal data). The POST needs an API key: the page asks GET /api/v1/citizen/config for the
// public citizen key (write:reports only, shared by every citizen; docs/reports.md).
// The numbers and tokens this device filed are kept in localStorage["ioc.citizen.mine"] so the
// citizen can follow and rate them without copying the token.
//
// Hooks for tests: body[data-tab], #c-done[data-id], #c-report[data-state=loading|shown|error]
// [data-status], #c-public-map[data-reports].

import { initLanguage, setLanguage, language, t } from './i18n.js';
import { h, byId, replaceChildren } from './dom.js';
import { formatDateTime } from './format.js';
import { createCitizenMap } from './citizen_map.js';
import { createPhotoPicker } from './citizen_photos.js';

const O311 = '/open311/v2';
const MINE_KEY = 'ioc.citizen.mine';

class O311Error extends Error {}

async function o311(method, path, form) {
    const params = new URLSearchParams({ lang: language() });
    let res;
    try {
        if (method === 'GET') {
            for (const [k, v] of Object.entries(form || {})) params.set(k, v);
            res = await fetch(`${O311}${path}?${params}`, { headers: { Accept: 'application/json' } });
        } else if (form instanceof FormData) {
            res = await fetch(`${O311}${path}`, { method, body: form }); // multipart, with its boundary
        } else {
            const body = new URLSearchParams(form);
            res = await fetch(`${O311}${path}`, {
                method,
                headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
                body,
            });
        }
    } catch {
        throw new O311Error(t('error.network'));
    }
    const data = await res.json().catch(() => null);
    if (!res.ok) {
        const first = Array.isArray(data) && data[0] ? data[0].description : '';
        const e = new O311Error(
            first || (data && data.error && data.error.message) || t('error.http', { status: res.status }),
        );
        e.status = res.status;
        throw e;
    }
    return data;
}

function mine() {
    try {
        const v = JSON.parse(localStorage.getItem(MINE_KEY) || '[]');
        return Array.isArray(v) ? v : [];
    } catch {
        return [];
    }
}
function remember(id, token) {
    const list = mine().filter((m) => m.id !== id);
    list.unshift({ id, token });
    localStorage.setItem(MINE_KEY, JSON.stringify(list.slice(0, 20)));
}
const tokenOf = (id) => (mine().find((m) => m.id === String(id)) || {}).token || '';

function statusText(r) {
    const d = r.extended_attributes && r.extended_attributes.detailed_status;
    return d ? t(`report.state.${d}`) : t(`citizen.status.${r.status}`);
}

function main() {
    initLanguage();
    const state = { services: [], key: null, point: null, pickMap: null, publicMap: null };

    // ---- tabs --------------------------------------------------------------------------------
    function tab() {
        const want = (location.hash.slice(1).split('?')[0] || 'new').replace(/[^a-z]/g, '');
        const name = ['new', 'follow', 'map'].includes(want) ? want : 'new';
        document.body.dataset.tab = name;
        for (const a of document.querySelectorAll('.c-tab')) {
            if (a.dataset.tab === name) a.setAttribute('aria-current', 'page');
            else a.removeAttribute('aria-current');
        }
        for (const s of document.querySelectorAll('.c-section')) s.hidden = s.dataset.tab !== name;
        if (name === 'new' && !state.pickMap) {
            state.pickMap = createCitizenMap(byId('c-pick-map'), { onPick: setPoint });
        }
        if (state.pickMap) state.pickMap.resize();
        if (name === 'map') openPublicMap();
        if (name === 'follow') {
            renderMine();
            const id = new URLSearchParams(location.hash.split('?')[1] || '').get('id');
            if (id) {
                byId('c-follow-id').value = id;
                follow(id);
            }
        }
    }
    window.addEventListener('hashchange', tab);

    // ---- language ------------------------------------------------------------------------------
    function renderLang() {
        for (const b of document.querySelectorAll('.lang-button'))
            b.setAttribute('aria-pressed', b.dataset.lang === language() ? 'true' : 'false');
    }
    for (const b of document.querySelectorAll('.lang-button'))
        b.addEventListener('click', () => setLanguage(b.dataset.lang));
    document.addEventListener('ioc:language', () => {
        renderLang();
        loadServices();
        renderPoint();
        photos.render();
        if (state.shown) follow(state.shown);
    });
    renderLang();

    // ---- filing ------------------------------------------------------------------------------
    const select = byId('c-service');
    const photos = createPhotoPicker({ onError: showFormError });
    async function loadServices() {
        const keep = select.value;
        try {
            state.services = await o311('GET', '/services.json');
        } catch (err) {
            showFormError(err.message);
            return;
        }
        const groups = new Map();
        for (const s of state.services) {
            if (!groups.has(s.group)) groups.set(s.group, []);
            groups.get(s.group).push(s);
        }
        replaceChildren(
            select,
            h('option', { value: '' }, t('citizen.service_pick')),
            [...groups].map(([g, list]) =>
                h(
                    'optgroup',
                    { label: g },
                    list.map((s) => h('option', { value: s.service_code }, s.service_name)),
                ),
            ),
        );
        select.value = keep;
        loadAttributes();
    }
    async function loadAttributes() {
        const box = byId('c-attrs');
        const code = select.value;
        if (!code) {
            replaceChildren(box);
            return;
        }
        let def;
        try {
            def = await o311('GET', `/services/${encodeURIComponent(code)}.json`);
        } catch (err) {
            showFormError(err.message);
            return;
        }
        if (select.value !== code) return;
        const attrs = (def.attributes || []).filter((a) => a.variable).sort((a, b) => a.order - b.order);
        replaceChildren(box, attrs.map(attrField));
    }
    function attrField(a) {
        const name = `attribute[${a.code}]`;
        const label = a.description + (a.required ? ' *' : '');
        if (a.datatype === 'singlevaluelist') {
            return h(
                'label',
                { class: 'field' },
                h('span', null, label),
                h(
                    'select',
                    { name, 'data-attr': a.code, required: a.required },
                    h('option', { value: '' }, '—'),
                    a.values.map((v) => h('option', { value: v.key }, v.name)),
                ),
            );
        }
        if (a.datatype === 'multivaluelist') {
            return h(
                'fieldset',
                { class: 'field' },
                h('legend', null, label),
                a.values.map((v) =>
                    h('label', null, h('input', { type: 'checkbox', name: `${name}[]`, value: v.key }), ' ', v.name),
                ),
            );
        }
        const type = a.datatype === 'number' ? 'number' : 'text';
        const input =
            a.datatype === 'text'
                ? h('textarea', { name, rows: 2, maxlength: 4000 })
                : h('input', { type, name, required: a.required, placeholder: a.datatype_description || null });
        return h('label', { class: 'field' }, h('span', null, label), input);
    }
    select.addEventListener('change', loadAttributes);

    function setPoint(lat, lon) {
        state.point = { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
        if (state.pickMap) state.pickMap.mark(state.point.lat, state.point.lon);
        renderPoint();
    }
    function renderPoint() {
        const p = byId('c-point');
        p.textContent = state.point
            ? t('citizen.point', { lat: state.point.lat.toFixed(5), lon: state.point.lon.toFixed(5) })
            : t('citizen.no_point');
        p.dataset.set = state.point ? 'true' : 'false';
    }
    byId('c-gps').addEventListener('click', () => {
        if (!navigator.geolocation) {
            showFormError(t('citizen.gps_none'));
            return;
        }
        navigator.geolocation.getCurrentPosition(
            (pos) => {
                setPoint(pos.coords.latitude, pos.coords.longitude);
                if (state.pickMap) state.pickMap.center(state.point.lat, state.point.lon);
            },
            () => showFormError(t('citizen.gps_failed')),
            { enableHighAccuracy: true, timeout: 15000 },
        );
    });

    function showFormError(text) {
        const e = byId('c-form-error');
        e.textContent = text;
        e.hidden = !text;
    }

    async function apiKey() {
        if (state.key) return state.key;
        const res = await fetch('/api/v1/citizen/config', { headers: { Accept: 'application/json' } });
        const data = res.ok ? await res.json() : null;
        state.key = data && data.api_key;
        if (data) photos.setLimits({ max: data.max_photos, maxBytes: data.max_photo_bytes });
        return state.key;
    }

    byId('c-form').addEventListener('submit', async (e) => {
        e.preventDefault();
        showFormError('');
        if (!select.value) return showFormError(t('citizen.need_service'));
        if (!state.point) return showFormError(t('citizen.need_point'));
        const key = await apiKey().catch(() => null);
        if (!key) return showFormError(t('citizen.no_key'));
        const form = new URLSearchParams();
        form.set('api_key', key);
        form.set('service_code', select.value);
        form.set('lat', String(state.point.lat));
        form.set('long', String(state.point.lon));
        const desc = byId('c-description').value.trim();
        if (desc) form.set('description', desc);
        for (const el of byId('c-attrs').querySelectorAll('[name]')) {
            if (el.type === 'checkbox' && !el.checked) continue;
            if (el.value !== '') form.append(el.name, el.value);
        }
        // one idempotency key per attempt, so a retried tap does not file twice
        form.set('idempotency_key', `citizen-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`);
        const button = byId('c-submit');
        button.disabled = true;
        let body = form;
        if (photos.files().length) {
            body = new FormData();
            for (const [k, v] of form) body.append(k, v);
            for (const file of photos.files()) body.append('media', file, file.name);
        }
        try {
            const out = await o311('POST', '/requests.json', body);
            const r = out[0];
            remember(String(r.service_request_id), r.token || '');
            const done = byId('c-done');
            done.dataset.id = r.service_request_id;
            byId('c-done-id').textContent = `#${r.service_request_id}`;
            byId('c-done-token').textContent = r.token || '';
            byId('c-done-notice').textContent = r.service_notice || '';
            byId('c-form').hidden = true;
            done.hidden = false;
            done.focus();
        } catch (err) {
            showFormError(err.message);
        } finally {
            button.disabled = false;
        }
    });
    byId('c-done-follow').addEventListener('click', () => {
        location.hash = `#follow?id=${byId('c-done').dataset.id}`;
    });
    byId('c-done-again').addEventListener('click', () => {
        byId('c-form').reset();
        state.point = null;
        renderPoint();
        photos.clear();
        byId('c-done').hidden = true;
        byId('c-form').hidden = false;
        loadAttributes();
    });

    // ---- following -----------------------------------------------------------------------------
    function renderMine() {
        const list = mine();
        replaceChildren(
            byId('c-mine'),
            list.map((m) => h('li', null, h('a', { href: `#follow?id=${m.id}`, class: 'button' }, `#${m.id}`))),
        );
    }
    byId('c-follow-form').addEventListener('submit', (e) => {
        e.preventDefault();
        const id = byId('c-follow-id').value.trim().replace(/^#/, '');
        if (id) location.hash = `#follow?id=${encodeURIComponent(id)}`;
    });

    async function follow(id) {
        const box = byId('c-report');
        box.hidden = false;
        box.dataset.state = 'loading';
        state.shown = id;
        let r;
        try {
            const out = await o311('GET', `/requests/${encodeURIComponent(id)}.json`, { extensions: 'true' });
            r = out[0];
        } catch (err) {
            box.dataset.state = 'error';
            replaceChildren(box, h('p', { role: 'alert' }, err.status === 404 ? t('citizen.not_found') : err.message));
            return;
        }
        const notes = (r.extended_attributes && r.extended_attributes.notes) || [];
        const token = tokenOf(r.service_request_id);
        replaceChildren(
            box,
            h('h2', null, `#${r.service_request_id} · ${r.service_name || ''}`),
            h('p', null, h('span', { class: 'c-status', 'data-status': r.status }, statusText(r))),
            h('p', null, r.description || ''),
            r.media_url ? h('img', { class: 'c-photo', src: r.media_url, alt: t('citizen.photo') }) : null,
            h(
                'dl',
                null,
                h('dt', null, t('citizen.filed')),
                h('dd', null, formatDateTime(r.requested_datetime)),
                h('dt', null, t('citizen.agency')),
                h('dd', null, r.agency_responsible || t('citizen.triage')),
                r.expected_datetime
                    ? [h('dt', null, t('citizen.expected')), h('dd', null, formatDateTime(r.expected_datetime))]
                    : null,
            ),
            h('h3', null, t('citizen.notes')),
            notes.length
                ? h(
                      'ol',
                      { class: 'c-notes' },
                      notes.map((n) => h('li', { class: 'c-note' }, `${formatDateTime(n.datetime)} — ${n.text}`)),
                  )
                : h('p', { class: 'c-hint' }, t('citizen.no_notes')),
            r.status === 'closed' ? ratingForm(r.service_request_id, token) : null,
        );
        box.dataset.state = 'shown';
        box.dataset.status = r.status;
    }

    function ratingForm(id, token) {
        const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
        const stars = h(
            'select',
            { name: 'rating', id: 'c-rating' },
            [5, 4, 3, 2, 1].map((n) => h('option', { value: n }, t('citizen.stars', { n }))),
        );
        const tok = h('input', {
            name: 'token',
            id: 'c-rating-token',
            value: token,
            autocomplete: 'off',
            spellcheck: 'false',
        });
        const comment = h('textarea', { name: 'comment', id: 'c-rating-comment', rows: 2, maxlength: 1000 });
        const form = h(
            'form',
            { class: 'c-form', id: 'c-rate' },
            h('h3', null, t('citizen.rate')),
            h('label', { class: 'field' }, h('span', null, t('citizen.rating')), stars),
            h('label', { class: 'field' }, h('span', null, t('citizen.comment')), comment),
            h('label', { class: 'field', hidden: token ? true : null }, h('span', null, t('citizen.token')), tok),
            err,
            h('button', { type: 'submit', class: 'button button-primary' }, t('citizen.rate_send')),
        );
        form.addEventListener('submit', async (e) => {
            e.preventDefault();
            err.hidden = true;
            try {
                await o311('POST', `/requests/${id}/rating.json`, {
                    token: tok.value.trim(),
                    rating: stars.value,
                    comment: comment.value.trim(),
                });
                replaceChildren(form, h('p', { id: 'c-rated', role: 'status' }, t('citizen.rated')));
            } catch (x) {
                err.textContent =
                    x.status === 409
                        ? t('citizen.rated_already')
                        : x.status === 403
                          ? t('citizen.bad_token')
                          : x.message;
                err.hidden = false;
            }
        });
        return form;
    }

    // ---- the public map --------------------------------------------------------------------------
    async function openPublicMap() {
        const el = byId('c-public-map');
        if (!state.publicMap) state.publicMap = createCitizenMap(el, {});
        state.publicMap.resize();
        let list;
        try {
            list = await o311('GET', '/requests.json');
        } catch (err) {
            byId('c-public-count').textContent = err.message;
            return;
        }
        const shown = list.filter((r) => r.lat !== null && r.long !== null);
        state.publicMap.dots(
            shown.map((r) => ({
                lat: r.lat,
                lon: r.long,
                open: r.status === 'open',
                label: `#${r.service_request_id} · ${r.service_name} · ${t(`citizen.status.${r.status}`)} · ${formatDateTime(r.requested_datetime)}`,
            })),
        );
        el.dataset.reports = String(shown.length);
        byId('c-public-count').textContent = t('citizen.map_count', { n: shown.length });
    }

    loadServices();
    renderPoint();
    photos.render();
    apiKey().catch(() => null); // early: the photo limits it carries
    tab();
}

main();
