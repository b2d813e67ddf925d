// console.js — entry point of the operator console (index.html): wires the modules together.
//
// Layout of the screen: header (brand, search, language, session), the map filling the window,
// the side panel over the map's right edge. Modules do not know each other: this file passes
// callbacks between them (search pick → map zoom + panel; map click → panel; panel → map
// highlight). Escape closes, in order, the search list (search.js), the login dialog (native
// <dialog>), then the panel.
//
// The live operations column (js/ops.js: alert feed, KPI tiles, the "Cảnh báo" layer, one event
// stream) is imported at sign-in and stopped at sign-out; it shows over the map's left edge.
//
// Screens: the map (default) and, for signed-in users, "Dữ liệu cảm biến" (#sensors…) and the
// dashboards (#dashboards…, #wall…) and the citizen reports' queue (#reports…), drawn over the map by js/sensors.js and js/dashboards.js,
// each imported only when its screen first opens (chunks of their own, with uPlot), so the first
// load stays small.

import { initLanguage, setLanguage, language, t } from './i18n.js';
import { createMap } from './map.js';
import { createPanel } from './panel.js';
import { createSearch } from './search.js';
import { createSession } from './session.js';
import { createEnvLayer } from './env_layer.js';
import { byId } from './dom.js';

function main() {
    initLanguage();
    const status = byId('status');
    const banner = byId('banner');
    const mapEl = byId('map');
    const announce = (text) => {
        status.textContent = text;
    };

    let map = null;
    const panel = createPanel({
        onUnit: (unit) => map && map.highlight(unit ? unit.code : null),
        announce,
    });
    const env = createEnv(mapEl, () => panel.close());
    map = createMap(mapEl, {
        onPoint: (latlng) => {
            env.close();
            panel.lookupPoint(latlng);
        },
    });
    env.attach(map.leaflet, announce);

    announce(t('map.loading'));
    map.ready.then(
        (count) => announce(t('map.loaded', { count })),
        (err) => {
            banner.textContent = t('map.error', { message: err.message });
            banner.hidden = false;
        },
    );

    createSearch({
        announce,
        onPick: async (unit) => {
            env.close();
            // The panel first, so the zoom can keep the commune clear of it (a bottom sheet on
            // narrow screens is only as tall as its content).
            await panel.showUnit(unit.code);
            map.ready.then(
                () => map.zoomToUnit(unit, panel.cover()),
                () => {}, // the banner already says the map failed
            );
        },
    });

    const session = createSession({ announce });
    session.restore();

    function renderLanguageButtons() {
        for (const b of document.querySelectorAll('.lang-button')) {
            b.setAttribute('aria-pressed', b.dataset.lang === language() ? 'true' : 'false');
        }
    }
    for (const b of document.querySelectorAll('.lang-button')) {
        b.addEventListener('click', () => setLanguage(b.dataset.lang));
    }
    document.addEventListener('ioc:language', () => {
        renderLanguageButtons();
        map.relabel();
        env.relabel();
    });
    renderLanguageButtons();

    createScreens(announce, banner);
    followOps(env, announce, banner);

    document.addEventListener('keydown', (e) => {
        if (e.key !== 'Escape' || e.defaultPrevented) return;
        if (document.querySelector('dialog[open]')) return;
        if (env.close(mapEl) || panel.close(mapEl)) e.preventDefault();
    });
}

/**
 * The monitoring stations on the map (js/env_layer.js) and their panel (js/env_panel.js, with
 * uPlot: imported when a station is first opened). Opening a station closes the unit panel
 * (closeUnit) and a unit's lookup closes the station's panel: both sit in the same place.
 */
function createEnv(mapEl, closeUnit) {
    let layer = null;
    let panel = null;
    let loading = null;
    const signedIn = () => Boolean(document.body.dataset.session) && document.body.dataset.session !== 'anonymous';
    return {
        attach(leaflet, announce) {
            layer = createEnvLayer(leaflet, mapEl, {
                onStation: async (station, kind) => {
                    closeUnit();
                    if (!loading) {
                        loading = import('./env_panel.js').then(
                            (m) => (panel = m.createEnvPanel({ announce, signedIn, onClose: () => {} })),
                        );
                    }
                    await loading;
                    panel.open(station, kind);
                },
            });
            layer.ready.catch(() => {}); // the layer says data-env="error"; the map still works
            layer.onUpdate(() => {
                const code = panel && panel.code();
                if (code) panel.update(layer.station(code));
            });
        },
        close: (returnTo) => Boolean(panel) && panel.close(returnTo),
        relabel: () => layer && layer.relabel(),
        addOverlay: (key, overlay) => layer && layer.addOverlay(key, overlay),
        removeOverlay: (overlay) => layer && layer.removeOverlay(overlay),
        refreshSoon: () => layer && layer.refreshSoon(),
        stations: () => (layer ? layer.stations() : []),
        onUpdate: (fn) => layer && layer.onUpdate(fn),
    };
}

/** The operations column (js/ops.js) for signed-in users: imported at the first sign-in. */
function followOps(env, announce, banner) {
    const root = byId('ops');
    let loading = null;
    const signedIn = () => Boolean(document.body.dataset.session) && document.body.dataset.session !== 'anonymous';
    async function follow() {
        if (!signedIn()) {
            if (loading)
                loading.then(
                    (ops) => ops.stop(),
                    () => {},
                );
            return;
        }
        if (!loading) loading = import('./ops.js').then((m) => m.createOps(root, { env, announce }));
        let ops;
        try {
            ops = await loading;
        } catch (err) {
            loading = null;
            banner.textContent = t('alert.error', { message: err.message });
            banner.hidden = false;
            return;
        }
        if (signedIn()) ops.start();
    }
    new MutationObserver(follow).observe(document.body, { attributes: true, attributeFilter: ['data-session'] });
    follow();
}

/**
 * The screen switch: location.hash "#sensors…" shows the sensor screen, "#dashboards…" and
 * "#wall…" the dashboards (list, one dashboard, video wall), anything else the map. The screens
 * other than the map are for signed-in users and are imported when first opened.
 */
const SCREENS = {
    sensors: {
        section: 'sensors',
        body: 'sensors-body',
        signin: 'sensors-signin',
        nav: 'nav-sensors',
        error: 'sensors.error',
        load: (body, announce) => import('./sensors.js').then((m) => m.createSensors(body, { announce })),
    },
    dashboards: {
        section: 'dashboards',
        body: 'dashboards-body',
        signin: 'dashboards-signin',
        nav: 'nav-dashboards',
        error: 'dash.error',
        load: (body, announce) => import('./dashboards.js').then((m) => m.createDashboards(body, { announce })),
    },
    reports: {
        section: 'reports',
        body: 'reports-body',
        signin: 'reports-signin',
        nav: 'nav-reports',
        error: 'rq.error',
        load: (body, announce) => import('./reports_queue.js').then((m) => m.createReportsQueue(body, { announce })),
    },
};

function screenOf(hash) {
    if (hash.startsWith('#sensors')) return 'sensors';
    if (hash.startsWith('#dashboards') || hash.startsWith('#wall')) return 'dashboards';
    if (hash.startsWith('#reports')) return 'reports';
    return 'map';
}

function createScreens(announce, banner) {
    const screens = {};
    for (const [name, s] of Object.entries(SCREENS)) {
        screens[name] = {
            ...s,
            section: byId(s.section),
            body: byId(s.body),
            signin: byId(s.signin),
            nav: byId(s.nav),
            module: null,
            loading: null,
        };
    }
    let lastKey = '';

    const signedIn = () => {
        const s = document.body.dataset.session;
        return Boolean(s) && s !== 'anonymous';
    };

    async function route(force) {
        const want = screenOf(location.hash);
        const key = `${want}|${signedIn()}`;
        if (!force && key === lastKey) return;
        lastKey = key;
        for (const a of document.querySelectorAll('.screen-link')) {
            if (a.dataset.screen === want) a.setAttribute('aria-current', 'page');
            else a.removeAttribute('aria-current');
        }
        document.body.dataset.screen = want;
        for (const [name, s] of Object.entries(screens)) {
            s.nav.hidden = !signedIn();
            const on = want === name && signedIn();
            if (!on) {
                if (s.module) s.module.close();
                s.body.hidden = true;
            }
            s.section.hidden = want !== name;
            s.signin.hidden = want !== name || signedIn();
        }
        const s = screens[want];
        if (!s || !signedIn()) return;
        if (!s.loading) s.loading = s.load(s.body, announce).then((m) => (s.module = m));
        try {
            await s.loading;
        } catch (err) {
            s.loading = null;
            banner.textContent = t(s.error, { message: err.message });
            banner.hidden = false;
            return;
        }
        if (screenOf(location.hash) === want && signedIn()) s.module.open();
    }

    window.addEventListener('hashchange', () => route(true));
    new MutationObserver(() => route(false)).observe(document.body, {
        attributes: true,
        attributeFilter: ['data-session'],
    });
    route(false);
}

main();
