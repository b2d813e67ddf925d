// alerts_layer.js — the map layer "Cảnh báo": the open alerts (firing or acknowledged) that have a
// place (lat/lon) as labels on the map, coloured by severity WITH the severity's name in text
// ("Nghiêm trọng · Mực nước vượt báo động 2"). The worst on top. A label is a button: a click or
// Enter calls onAlert(alert) (the console then shows the alert in the feed).
//
// Hooks for tests: .alert-pin[data-id][data-severity][data-state].

import { divIcon, marker as leafletMarker, layerGroup } from 'leaflet/dist/leaflet-src.esm.js';
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';
import { severityRank, severityText, stateText, ruleName } from './alerts_data.js';

/** A layer group (not on the map: the layer control adds it). Returns {layer, set(alerts), relabel()}. */
export function createAlertsLayer({ onAlert, placeOf }) {
    const layer = layerGroup();
    const markers = new Map(); // id → {marker, pin, alert}

    function render(m) {
        const a = m.alert;
        m.pin.className = `alert-pin sev-${a.severity} alert-pin-${a.state}`;
        m.pin.dataset.id = String(a.id);
        m.pin.dataset.severity = a.severity;
        m.pin.dataset.state = a.state;
        replaceChildren(
            m.pin,
            h('b', { class: 'alert-pin-sev' }, severityText(a.severity)),
            ' ',
            h('span', { class: 'alert-pin-name' }, ruleName(a)),
        );
        const label = `${t('alert.marker', { severity: severityText(a.severity), name: ruleName(a) })} — ${stateText(
            a.state,
        )} — ${placeOf(a)}`;
        const el = m.marker.getElement();
        if (el) {
            el.setAttribute('title', label);
            el.setAttribute('aria-label', label);
            el.setAttribute('role', 'button');
        }
        // the worst above, and firing above acknowledged; above the stations' labels
        m.marker.setZIndexOffset(20000 + severityRank(a.severity) * 2000 + (a.state === 'firing' ? 1000 : 0));
    }

    function add(a) {
        const pin = h('span', { class: 'alert-pin' });
        const marker = leafletMarker([a.lat, a.lon], {
            icon: divIcon({ html: pin, className: 'alert-marker', iconSize: null }),
            keyboard: true,
            riseOnHover: true,
        });
        const m = { marker, pin, alert: a };
        marker.on('add', () => render(m)); // the element exists once the layer is on the map
        marker.on('click', () => onAlert(m.alert));
        marker.on('keypress', (e) => {
            if (e.originalEvent.key === 'Enter' || e.originalEvent.key === ' ') {
                e.originalEvent.preventDefault();
                onAlert(m.alert);
            }
        });
        marker.addTo(layer);
        markers.set(a.id, m);
        return m;
    }

    const placed = (a) =>
        (a.state === 'firing' || a.state === 'acknowledged') && Number.isFinite(a.lat) && Number.isFinite(a.lon);

    /** Put alert a in, move it, or take it out. */
    function put(a) {
        let m = markers.get(a.id);
        if (!placed(a)) {
            if (m) {
                layer.removeLayer(m.marker);
                markers.delete(a.id);
            }
            return;
        }
        if (!m) m = add(a);
        else {
            m.alert = a;
            m.marker.setLatLng([a.lat, a.lon]);
        }
        m.alert = a;
        render(m);
    }

    return {
        layer,
        put,
        /** Replace everything with the open alerts given. */
        set(alerts) {
            const keep = new Set(alerts.filter(placed).map((a) => a.id));
            for (const [id, m] of markers) {
                if (!keep.has(id)) {
                    layer.removeLayer(m.marker);
                    markers.delete(id);
                }
            }
            for (const a of alerts) put(a);
        },
        clear() {
            layer.clearLayers();
            markers.clear();
        },
        relabel() {
            for (const m of markers.values()) render(m);
        },
    };
}
