// ops.js — the live operations column of the console (issue 20), for signed-in users, over the
// map's left edge: the connection indicator, the KPI tiles, the alert feed (alerts_feed.js); and
// the map layer "Cảnh báo" (alerts_layer.js) in the stations' layer control. Loaded with import()
// at sign-in (console.js), so the anonymous first load does not carry it.
//
// Data: the open alerts (firing + acknowledged) feed the tiles and the layer; the feed has its
// own filter. Everything follows the one event stream (live.js): `alert` events are applied to
// the open set, the layer and the feed with no request; `report` events recount the reports due
// today (debounced), `station` events refresh the stations layer (which recounts the stations
// offline); `reset` — or the connection coming back — reloads everything with queries (at
// most once every RELOAD_GAP_MS: a stream that keeps failing must not become a request storm).
//
// KPI: open alerts by severity; reports due today = open reports (received, assigned,
// in_progress) among the newest 500 whose deadline (expected_at) falls today in Asia/Ho_Chi_Minh; stations offline =
// the stations layer's /stations.geojson with status "offline".
//
// Hooks for tests: #ops[data-live=connecting|open|lost|off], #live-state,
// #kpi li[data-kpi=critical|warning|info|reports_due|stations_offline] .kpi-value[data-value].

import { apiGet } from './api.js';
import { t } from './i18n.js';
import { h, replaceChildren } from './dom.js';
import { formatNumber, formatCoords, todayIso } from './format.js';
import { createLive } from './live.js';
import { SEVERITIES, fetchAlerts, severityText } from './alerts_data.js';
import { createAlertFeed } from './alerts_feed.js';
import { createAlertsLayer } from './alerts_layer.js';

const OPEN_REPORT_STATES = new Set(['received', 'assigned', 'in_progress']);
const RELOAD_GAP_MS = 5000; // reloads asked by resets and come-backs: at most one per this long
const KPIS = ['critical', 'warning', 'info', 'reports_due', 'stations_offline'];
const KPI_KEYS = {
    critical: 'kpi.critical',
    warning: 'kpi.warning',
    info: 'kpi.info',
    reports_due: 'kpi.reports_due',
    stations_offline: 'kpi.stations_offline',
};

function debounced(fn, ms) {
    let timer = 0;
    const call = () => {
        clearTimeout(timer);
        timer = setTimeout(() => fn().catch(() => {}), ms);
    };
    call.cancel = () => clearTimeout(timer);
    return call;
}

/**
 * The column in root (an empty <aside>). env: the stations layer's {addOverlay, removeOverlay,
 * refreshSoon}; announce(text): the page's status line. Returns {start(), stop()}: start at
 * sign-in, stop at sign-out (the stream closed, the layer and the lists emptied).
 */
export function createOps(root, { env, announce }) {
    const live = createLive();
    const open = new Map(); // the open alerts by id
    const kpi = { reports_due: null, stations_offline: null };
    const communes = new Map(); // code → name
    let running = false;

    const title = h('h2', { class: 'ops-title', id: 'ops-title' });
    const liveState = h('span', { class: 'live-state', id: 'live-state', role: 'status' });
    const toggle = h('button', {
        type: 'button',
        class: 'button ops-toggle',
        id: 'ops-toggle',
        'aria-expanded': 'true',
        'aria-controls': 'ops-body',
    });
    const tiles = h('ul', { class: 'kpi', id: 'kpi' });
    const feedEl = h('div', { class: 'ops-feed' });
    const body = h('div', { class: 'ops-body', id: 'ops-body' }, tiles, feedEl);
    replaceChildren(root, h('div', { class: 'ops-head' }, title, liveState, toggle), body);
    root.setAttribute('aria-labelledby', 'ops-title');

    function placeOf(a) {
        const parts = [];
        if (a.unit) parts.push(communes.get(a.unit) || a.unit);
        if (a.agency) parts.push(a.agency);
        if (!parts.length && Number.isFinite(a.lat) && Number.isFinite(a.lon)) parts.push(formatCoords(a.lat, a.lon));
        return parts.length ? parts.join(' · ') : t('alert.no_place');
    }

    const feed = createAlertFeed(feedEl, { placeOf, announce });
    const layer = createAlertsLayer({
        placeOf,
        onAlert: (a) => {
            setExpanded(true);
            const li = feedEl.querySelector(`li.alert[data-id="${a.id}"]`);
            if (li) {
                li.scrollIntoView({ block: 'nearest' });
                const b = li.querySelector('button');
                if (b) b.focus();
            }
            announce(`${severityText(a.severity)}: ${placeOf(a)}`);
        },
    });

    // ---- header: title, connection, collapse ------------------------------------------------
    function renderLive(state) {
        root.dataset.live = state;
        liveState.dataset.state = state;
        liveState.textContent = state === 'off' ? '' : t(`live.${state}`);
        liveState.title = t('live.label');
    }
    function setExpanded(on) {
        toggle.setAttribute('aria-expanded', on ? 'true' : 'false');
        body.hidden = !on;
        document.body.dataset.ops = on ? 'open' : 'collapsed';
        toggle.textContent = t(on ? 'ops.collapse' : 'ops.expand');
    }
    toggle.addEventListener('click', () => setExpanded(toggle.getAttribute('aria-expanded') !== 'true'));

    // ---- KPI tiles ---------------------------------------------------------------------------
    function renderKpi() {
        const bySev = { critical: 0, warning: 0, info: 0 };
        for (const a of open.values()) if (a.severity in bySev) bySev[a.severity] += 1;
        const values = { ...bySev, ...kpi };
        replaceChildren(
            tiles,
            KPIS.map((k) => {
                const v = values[k];
                return h(
                    'li',
                    { class: `kpi-tile kpi-${k}${SEVERITIES.includes(k) ? ` sev-edge-${k}` : ''}`, 'data-kpi': k },
                    h(
                        'b',
                        { class: 'kpi-value', 'data-value': typeof v === 'number' ? String(v) : '' },
                        typeof v === 'number' ? formatNumber(v) : t('kpi.unknown'),
                    ),
                    h('span', { class: 'kpi-label' }, t(KPI_KEYS[k])),
                );
            }),
        );
        tiles.setAttribute('aria-label', t('kpi.label'));
    }

    async function loadOpen() {
        const got = await fetchAlerts({ state: 'open', severity: '' });
        open.clear();
        for (const a of got) open.set(a.id, a);
        layer.set(got);
        renderKpi();
    }

    async function countReportsDue() {
        const today = todayIso();
        // the newest 500 reports: a deadline is days after the report, so today's are among them
        const page = await apiGet('/reports', { page_size: 500 }, undefined, { background: true });
        let n = 0;
        for (const r of page.reports || []) {
            if (OPEN_REPORT_STATES.has(r.state) && r.expected_at && todayIso(new Date(r.expected_at)) === today) n += 1;
        }
        kpi.reports_due = n;
        renderKpi();
    }

    // from the stations layer's data (read every minute and on `station` events): another
    // request for the same list would race the layer's on the render worker (2 per address)
    function countStationsOffline() {
        const list = env.stations();
        kpi.stations_offline = list.length ? list.filter((s) => s.status === 'offline').length : null;
        renderKpi();
    }
    env.onUpdate(() => {
        if (running) countStationsOffline();
    });

    async function loadCommunes() {
        if (communes.size) return;
        const res = await apiGet('/units', { level: 'commune', at: todayIso(), limit: 1000 }, undefined, {
            background: true,
        });
        for (const u of res.units || []) communes.set(u.code, u.full_name || u.name);
        feed.relabel();
        layer.relabel();
    }

    const reportsSoon = debounced(countReportsDue, 1500);

    let lastReload = 0;
    let reloadTimer = 0;
    /** reloadAll at once, or when RELOAD_GAP_MS has passed since the last one (coalesced). */
    function reloadSoon() {
        if (reloadTimer) return;
        const wait = Math.max(0, lastReload + RELOAD_GAP_MS - Date.now());
        reloadTimer = setTimeout(() => {
            reloadTimer = 0;
            reloadAll();
        }, wait);
    }

    function reloadAll() {
        lastReload = Date.now();
        feed.reload();
        loadOpen().catch(() => {});
        countReportsDue().catch(() => {
            kpi.reports_due = null;
            renderKpi();
        });
        countStationsOffline();
    }

    // ---- live --------------------------------------------------------------------------------
    live.onState(renderLive);
    live.on('alert', (a) => {
        if (!a || typeof a.id !== 'number') return;
        if (a.state === 'firing' || a.state === 'acknowledged') open.set(a.id, a);
        else open.delete(a.id);
        layer.put(a);
        feed.apply(a);
        renderKpi();
    });
    live.on('report', () => reportsSoon());
    live.on('station', () => env.refreshSoon()); // then env.onUpdate recounts
    live.on('reset', reloadSoon);

    document.addEventListener('ioc:language', () => {
        title.textContent = t('ops.title');
        root.setAttribute('aria-label', t('ops.label'));
        setExpanded(toggle.getAttribute('aria-expanded') === 'true');
        renderLive(live.state());
        renderKpi();
        feed.relabel();
        layer.relabel();
    });

    title.textContent = t('ops.title');
    renderLive('off');
    renderKpi();

    return {
        start() {
            if (running) return;
            running = true;
            root.hidden = false;
            setExpanded(true);
            env.addOverlay('alert.layer', layer.layer);
            live.start();
            loadCommunes().catch(() => {});
            reloadAll();
        },
        stop() {
            if (!running) return;
            running = false;
            live.stop();
            reportsSoon.cancel();
            clearTimeout(reloadTimer);
            reloadTimer = 0;
            env.removeOverlay(layer.layer);
            layer.clear();
            open.clear();
            kpi.reports_due = null;
            kpi.stations_offline = null;
            root.hidden = true;
            delete document.body.dataset.ops;
        },
    };
}
