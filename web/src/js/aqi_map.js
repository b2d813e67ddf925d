// aqi_map.js — the small map of the public page /aqi: the communes' outlines from
// /api/v1/units.geojson (no tiles, nothing from another origin) and each air station as a label
// with its AQI number on its class colour (the list beside it names the class in words). A label
// is focusable; a click or Enter calls onPick(code). Labels that would cover each other collapse
// to their point, the worse AQI kept (label_declutter.js; #aqi-map[data-labels-collapsed]).
//
// createAqiMap(el, {onPick}) → {ready, show(features, labelOf)}

import {
    map as leafletMap,
    geoJSON,
    divIcon,
    marker as leafletMarker,
    layerGroup,
    latLngBounds,
    svg as svgRenderer,
} from 'leaflet/dist/leaflet-src.esm.js';
import { apiGetUrl } from './api.js';
import { h } from './dom.js';
import { declutter } from './label_declutter.js';

const COMMUNES = '/api/v1/units.geojson?level=commune&simplify=50';
const STYLE = { color: '#8a979f', weight: 0.6, opacity: 0.9, fillColor: '#eef2ea', fillOpacity: 0.8 };
const PROVINCE = latLngBounds([10.5, 106.3], [12.0, 107.6]);

export function createAqiMap(el, { onPick }) {
    const map = leafletMap(el, { zoomSnap: 0.25, renderer: svgRenderer({ padding: 0.5 }), minZoom: 7, maxZoom: 14 });
    map.attributionControl.setPrefix(false);
    map.fitBounds(PROVINCE);
    const pins = layerGroup().addTo(map);
    let labels = []; // {marker, label, rank} for declutter
    let frame = 0;
    const tidy = () => {
        frame = 0;
        el.dataset.labelsCollapsed = String(
            declutter(labels.map((x) => ({ marker: x.marker.getElement(), label: x.label, rank: x.rank }))),
        );
    };
    const tidySoon = () => {
        if (!frame) frame = requestAnimationFrame(tidy);
    };
    map.on('zoomend moveend resize', tidySoon);
    el.dataset.state = 'loading';
    const ready = apiGetUrl(new URL(COMMUNES, location.origin).href).then(
        (fc) => {
            const layer = geoJSON(fc, { style: () => STYLE, interactive: false }).addTo(map);
            layer.bringToBack();
            map.fitBounds(layer.getBounds());
            el.dataset.state = 'ready';
        },
        (err) => {
            el.dataset.state = 'error';
            throw err;
        },
    );
    ready.catch(() => {});
    return {
        ready,
        /** Draw the stations: features of /aqi/latest; labelOf(props) is the marker's text name. */
        show(features, labelOf) {
            pins.clearLayers();
            labels = [];
            for (const f of features) {
                const p = f.properties;
                const [lon, lat] = f.geometry.coordinates;
                const cls = typeof p.class === 'number' ? p.class : 0;
                const pin = h(
                    'span',
                    { class: `env-pin env-c${cls}`, dataset: { station: p.code } },
                    typeof p.aqi === 'number' ? String(p.aqi) : '–',
                );
                const m = leafletMarker([lat, lon], {
                    icon: divIcon({ html: pin, className: 'env-marker', iconSize: null }),
                    keyboard: true,
                    title: labelOf(p),
                    riseOnHover: true,
                }).addTo(pins);
                labels.push({ marker: m, label: pin, rank: typeof p.aqi === 'number' ? p.aqi : -1 });
                m.on('click', () => onPick(p.code));
                m.on('keypress', (e) => {
                    if (e.originalEvent.key === 'Enter') onPick(p.code);
                });
            }
            el.dataset.stations = String(features.length);
            tidySoon();
        },
        resize() {
            map.invalidateSize();
        },
    };
}
