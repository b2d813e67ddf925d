// env_layer.js — the monitoring stations on the console's map: air stations as labels coloured by
// their AQI class WITH the class's name in text, water-level stations with their level and alarm
// state in text ("2,05 m · Báo động 2"). Two overlays in the map's layer control ("Chất lượng
// không khí", "Mực nước"), both on by default.
//
// Data (env_data.js): /aqi/latest and /stations.geojson, read again every REFRESH_MS. Signed-in
// users also get the live streams (/stream needs a session): measurement aqi (a new hour: read
// /aqi/latest again, debounced) and water/level (the marker's level and alarm state at once, from
// the point and the station's alarm levels). Each marker is a Leaflet divIcon holding one element
// built with dom.js, updated in place (so keyboard focus survives an update); markers are
// focusable and Enter opens the station, like a click. Labels that would cover each other are
// collapsed to their point (label_declutter.js), recomputed after every zoom, move and update:
// a water station at an alarm level wins, then the worse AQI, then a level below alarm, then no
// data.
//
// Hooks for tests: #map[data-env=loading|ready|error][data-env-updates=N][data-labels-collapsed],
// .env-marker.label-collapsed,
// .env-pin[data-station][data-kind][data-aqi][data-class] (air), [data-level][data-alarm] (water).

import { divIcon, marker as leafletMarker, layerGroup, control } from 'leaflet/dist/leaflet-src.esm.js';
import { API } from './api.js';
import { t, language } from './i18n.js';
import { formatNumber } from './format.js';
import { h, replaceChildren } from './dom.js';
import { fetchLatest, fetchStations, stationName, alarmState } from './env_data.js';
import { declutter } from './label_declutter.js';

const REFRESH_MS = 60000;

/** The AQI label's text: "73 · Trung bình", or "Không có số liệu". */
export function aqiText(p) {
    if (typeof p.aqi !== 'number') return t('env.no_aqi');
    return `${p.aqi} · ${language() === 'en' ? p.class_en : p.class_vi}`;
}

/** The water label's text: "2,05 m · Báo động 2" or "… · Dưới mức báo động". */
export function levelText(level, state) {
    if (typeof level !== 'number') return t('env.no_level');
    return `${t('env.level_value', { value: formatNumber(level, 2) })} · ${t(`env.alarm.${state}`)}`;
}

/**
 * Put the station layers on map (a Leaflet map). onStation(props, kind) opens a station's panel.
 * Returns {ready, refresh(), station(code) → the latest props, relabel()}.
 */
export function createEnvLayer(map, mapEl, { onStation }) {
    const airLayer = layerGroup().addTo(map);
    const waterLayer = layerGroup().addTo(map);
    const markers = new Map(); // code → {marker, pin, props, kind}
    let layersControl = null;
    let timer = 0;
    let debounce = 0;
    let streams = [];
    const listeners = new Set();
    let stations = []; // every station's properties (/stations.geojson), for other modules
    const extra = []; // [{key, layer}]: other modules' overlays in the same control (addOverlay)

    function relabelControl() {
        if (layersControl) map.removeControl(layersControl);
        const overlays = {};
        overlays[t('env.layer_air')] = airLayer;
        overlays[t('env.layer_water')] = waterLayer;
        for (const o of extra) overlays[t(o.key)] = o.layer;
        layersControl = control.layers(null, overlays, { collapsed: false, position: 'topright' }).addTo(map);
        layersControl.getContainer().setAttribute('aria-label', t('env.layers'));
    }

    function pinOf(code, kind, props) {
        let m = markers.get(code);
        if (m) return m;
        const pin = h('span', { class: 'env-pin', dataset: { station: code, kind } });
        const [lon, lat] = props.coordinates;
        const marker = leafletMarker([lat, lon], {
            icon: divIcon({ html: pin, className: 'env-marker', iconSize: null }),
            keyboard: true,
            riseOnHover: true,
        });
        m = { marker, pin, props: null, kind };
        marker.on('click', () => onStation(m.props, m.kind));
        // Leaflet opens only popups with Enter; the label is a button: Enter or Space opens it
        marker.on('keypress', (e) => {
            if (e.originalEvent.key === 'Enter' || e.originalEvent.key === ' ') {
                e.originalEvent.preventDefault();
                onStation(m.props, m.kind);
            }
        });
        marker.addTo(kind === 'air' ? airLayer : waterLayer);
        markers.set(code, m);
        return m;
    }

    function title(m, text) {
        const el = m.marker.getElement();
        const label = `${stationName(m.props, language())}: ${text}`;
        if (el) {
            el.setAttribute('title', label);
            el.setAttribute('aria-label', label);
            el.setAttribute('role', 'button');
        }
    }

    function renderAir(m) {
        const p = m.props;
        const cls = typeof p.class === 'number' ? p.class : 0;
        m.pin.className = `env-pin env-c${cls}${p.status === 'offline' || p.status === 'never' ? ' env-off' : ''}`;
        m.pin.dataset.aqi = typeof p.aqi === 'number' ? String(p.aqi) : '';
        m.pin.dataset.class = String(cls);
        replaceChildren(
            m.pin,
            typeof p.aqi === 'number'
                ? [
                      h('b', { class: 'env-pin-value' }, String(p.aqi)),
                      ' ',
                      h('span', null, language() === 'en' ? p.class_en : p.class_vi),
                  ]
                : h('span', null, t('env.no_aqi')),
        );
        title(m, `${t('env.aqi')} ${aqiText(p)}`);
        m.marker.setZIndexOffset(typeof p.aqi === 'number' ? p.aqi * 10 : -1000); // the worst on top
    }

    function renderWater(m) {
        const p = m.props;
        const level = typeof p.level === 'number' ? p.level : null;
        const state = typeof p.alarm_state === 'number' ? p.alarm_state : alarmState(level, p);
        m.pin.className = `env-pin env-water env-alarm${level === null ? 'x' : state}`;
        m.pin.dataset.level = level === null ? '' : String(level);
        m.pin.dataset.alarm = String(state);
        replaceChildren(
            m.pin,
            level === null
                ? h('span', null, t('env.no_level'))
                : [
                      h('b', { class: 'env-pin-value' }, t('env.level_value', { value: formatNumber(level, 2) })),
                      ' ',
                      h('span', null, t(`env.alarm.${state}`)),
                  ],
        );
        title(m, levelText(level, state));
        m.marker.setZIndexOffset(state * 2000);
    }

    function render() {
        for (const m of markers.values()) {
            if (m.kind === 'air') renderAir(m);
            else renderWater(m);
        }
        tidySoon();
    }

    // A marker's claim to keep its label (label_declutter.js): alarms, then the worse AQI.
    function rank(m) {
        const p = m.props || {};
        if (m.kind === 'air') return typeof p.aqi === 'number' ? p.aqi : -1;
        if (typeof p.level !== 'number') return -1;
        const state = Number(m.pin.dataset.alarm) || 0;
        return state > 0 ? 1000 + state : 0;
    }
    let tidyFrame = 0;
    function tidy() {
        tidyFrame = 0;
        const shown = [...markers.values()].filter((m) => map.hasLayer(m.marker));
        const n = declutter(shown.map((m) => ({ marker: m.marker.getElement(), label: m.pin, rank: rank(m) })));
        mapEl.dataset.labelsCollapsed = String(n);
    }
    function tidySoon() {
        if (!tidyFrame) tidyFrame = requestAnimationFrame(tidy);
    }
    map.on('zoomend moveend overlayadd overlayremove resize', tidySoon);

    async function refresh() {
        const [air, all] = await Promise.all([fetchLatest(), fetchStations()]);
        for (const f of air.features || []) {
            const code = f.properties.code || f.id;
            const m = pinOf(code, 'air', { coordinates: f.geometry.coordinates });
            m.props = f.properties;
        }
        stations = (all.features || []).map((f) => f.properties);
        for (const f of all.features || []) {
            if (f.properties.kind !== 'water_level') continue;
            const m = pinOf(f.properties.code, 'water', { coordinates: f.geometry.coordinates });
            m.props = f.properties;
        }
        render();
        mapEl.dataset.env = 'ready';
        mapEl.dataset.envUpdates = String(Number(mapEl.dataset.envUpdates || 0) + 1);
        for (const fn of listeners) fn();
    }

    function refreshSoon(ms = 1000) {
        clearTimeout(debounce);
        debounce = setTimeout(() => refresh().catch(() => {}), ms);
    }

    function schedule() {
        clearTimeout(timer);
        timer = setTimeout(async () => {
            try {
                await refresh();
            } catch {
                // kept as it is until the next read
            }
            schedule();
        }, REFRESH_MS);
    }

    function onWaterPoints(e) {
        let msg;
        try {
            msg = JSON.parse(e.data);
        } catch {
            return;
        }
        let any = false;
        for (const p of msg.points || []) {
            const m = markers.get(p.tags && p.tags.station);
            if (!m || m.kind !== 'water' || !m.props || typeof p.value !== 'number') continue;
            const last = m.props.last_reading ? Date.parse(m.props.last_reading) : 0;
            if (p.t < last) continue;
            m.props = {
                ...m.props,
                level: p.value,
                alarm_state: alarmState(p.value, m.props),
                last_reading: new Date(p.t).toISOString(),
            };
            renderWater(m);
            tidySoon();
            any = true;
        }
        if (any) {
            mapEl.dataset.envUpdates = String(Number(mapEl.dataset.envUpdates || 0) + 1);
            for (const fn of listeners) fn();
        }
    }

    function stopStreams() {
        for (const es of streams) es.close();
        streams = [];
    }

    function startStreams() {
        stopStreams();
        if (typeof EventSource !== 'function') return;
        const aqi = new EventSource(`${API}/stream?measurement=aqi&field=aqi`);
        aqi.addEventListener('points', () => refreshSoon());
        aqi.addEventListener('reset', () => refreshSoon());
        const water = new EventSource(`${API}/stream?measurement=water&field=level`);
        water.addEventListener('points', onWaterPoints);
        water.addEventListener('reset', () => refreshSoon());
        streams = [aqi, water];
        for (const es of streams) {
            es.addEventListener('error', () => {
                if (es.readyState === EventSource.CLOSED) es.close();
            });
        }
    }

    const signedIn = () => {
        const s = document.body.dataset.session;
        return Boolean(s) && s !== 'anonymous';
    };
    let streaming = false;
    function followSession() {
        if (signedIn() === streaming) return;
        streaming = signedIn();
        if (streaming) startStreams();
        else stopStreams();
    }
    new MutationObserver(followSession).observe(document.body, {
        attributes: true,
        attributeFilter: ['data-session'],
    });

    relabelControl();
    mapEl.dataset.env = 'loading';
    const ready = refresh().then(
        () => {
            schedule();
            followSession();
        },
        (err) => {
            mapEl.dataset.env = 'error';
            schedule();
            throw err;
        },
    );

    return {
        ready,
        refresh,
        /** The latest properties of a station (or null). */
        station: (code) => (markers.has(code) ? markers.get(code).props : null),
        /** Every station's properties (status online/stale/offline/never…) as last read. */
        stations: () => stations,
        /** fn() after every update of the stations' data. */
        onUpdate: (fn) => listeners.add(fn),
        relabel() {
            relabelControl();
            render();
        },
        /** Read the stations again soon (debounced): a `station` event of the live stream. */
        refreshSoon,
        /** Another module's overlay in the layer control, named by catalogue key; on the map if on. */
        addOverlay(key, layer, on = true) {
            if (extra.some((o) => o.layer === layer)) return;
            extra.push({ key, layer });
            if (on) layer.addTo(map);
            relabelControl();
        },
        removeOverlay(layer) {
            const i = extra.findIndex((o) => o.layer === layer);
            if (i < 0) return;
            extra.splice(i, 1);
            map.removeLayer(layer);
            relabelControl();
        },
    };
}
