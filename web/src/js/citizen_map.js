// citizen_map.js — the small Leaflet maps of the citizen page and of the operator queue: the
// communes' outlines from /api/v1/units.geojson (the console's policy: no tiles, nothing from
// another origin), a point picked by a tap or the keyboard (Enter: the centre), one marked point,
// and dots for reports (SVG circle markers; the status is in each dot's tooltip as text).
//
// createCitizenMap(el, {onPick}) → {ready, mark(lat, lon), center(lat, lon), dots(list), resize()}

import {
    map as leafletMap,
    geoJSON,
    circleMarker,
    layerGroup,
    latLngBounds,
    svg as svgRenderer,
} from 'leaflet/dist/leaflet-src.esm.js';
import { apiGetUrl } from './api.js';

const COMMUNES = '/api/v1/units.geojson?level=commune&simplify=50';
const STYLE = { color: '#56636b', weight: 0.8, opacity: 0.9, fillColor: '#e9efe4', fillOpacity: 0.7 };
// the bounds of Đồng Nai, shown until the outlines arrive
const PROVINCE = latLngBounds([10.5, 106.3], [12.0, 107.6]);

export function createCitizenMap(el, { onPick } = {}) {
    const map = leafletMap(el, { zoomSnap: 0.25, renderer: svgRenderer({ padding: 0.5 }), minZoom: 7, maxZoom: 18 });
    map.attributionControl.setPrefix(false);
    map.fitBounds(PROVINCE);
    const dotsLayer = layerGroup().addTo(map);
    let marker = null;
    el.dataset.state = 'loading';
    const ready = apiGetUrl(new URL(COMMUNES, location.origin).href).then(
        (fc) => {
            const layer = geoJSON(fc, { style: () => STYLE, interactive: Boolean(onPick) }).addTo(map);
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
    if (onPick) {
        map.on('click', (e) => onPick(e.latlng.lat, e.latlng.lng));
        el.addEventListener('keydown', (e) => {
            if (e.key !== 'Enter') return;
            const c = map.getCenter();
            onPick(c.lat, c.lng);
            e.preventDefault();
        });
    }
    return {
        ready,
        mark(lat, lon) {
            if (marker) marker.setLatLng([lat, lon]);
            else
                marker = circleMarker([lat, lon], { radius: 9, color: '#c1121f', weight: 3, fillOpacity: 0.5 }).addTo(
                    map,
                );
            el.dataset.marked = `${lat},${lon}`;
        },
        center(lat, lon) {
            map.setView([lat, lon], Math.max(map.getZoom(), 15));
        },
        dots(list) {
            dotsLayer.clearLayers();
            for (const d of list) {
                circleMarker([d.lat, d.lon], {
                    radius: 5,
                    className: 'c-dot',
                    color: d.open ? '#c1121f' : '#2a7f3e',
                    weight: 1,
                    fillOpacity: 0.8,
                })
                    .bindTooltip(d.label)
                    .addTo(dotsLayer);
            }
        },
        focus(lat, lon) {
            map.setView([lat, lon], 14);
        },
        resize() {
            setTimeout(() => map.invalidateSize(), 0);
        },
    };
}
