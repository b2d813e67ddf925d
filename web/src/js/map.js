// map.js — the map of the communes, drawn with Leaflet from the units GeoJSON of iocd.
//
// No base-map tiles by default: the communes (filled by type) and the province outline are the
// map, so nothing is fetched from another origin. A tile URL template may be configured in
// <meta name="ioc-tiles" content="/tiles/{z}/{x}/{y}.png"> (it must be same-origin, or the CSP's
// img-src must be widened by whoever configures it).
// The boundaries come simplified by the server (?simplify=metres): enough for the screen, small
// enough for the ≤ 600 KB first-load budget. Each commune is one SVG <path class="ioc-commune"
// data-code="…">; when all are drawn the container gets data-communes="95" and data-state="ready",
// and data-bounds="west,south,east,north" follows every move (tests and bench read these).

import {
    map as leafletMap,
    geoJSON,
    tileLayer,
    latLngBounds,
    control,
    svg as svgRenderer,
} from 'leaflet/dist/leaflet-src.esm.js';
import { apiGetUrl } from './api.js';
import { t } from './i18n.js';

// The boundaries, simplified by the server to 50 m (enough for the screen, small enough for the
// first-load budget; the outline as the communes so their edges meet). index.html preloads the same
// URLs (<link rel="preload" data-layer=…>), which win when present. No at=: the server's default
// is today in Asia/Ho_Chi_Minh, and a fixed URL is what lets the preload start before the script.
const LAYER_URLS = {
    communes: '/api/v1/units.geojson?level=commune&simplify=50',
    outline: '/api/v1/units.geojson?level=province&simplify=50',
};

function layerUrl(name) {
    const link = document.querySelector(`link[rel="preload"][data-layer="${name}"]`);
    return link ? link.href : new URL(LAYER_URLS[name], location.origin).href;
}

const FILL = { Phường: '#f4c98b', Xã: '#b9dba0' };
const FILL_OTHER = '#cfd8dc';
const STYLE_BASE = { color: '#56636b', weight: 0.8, opacity: 0.9, fillOpacity: 0.6 };
const STYLE_HOVER = { color: '#1d3557', weight: 2, fillOpacity: 0.75 };
const STYLE_SELECTED = { color: '#c1121f', weight: 3, fillOpacity: 0.8 };
const STYLE_OUTLINE = { color: '#1d3557', weight: 2.5, opacity: 1, fill: false, interactive: false };

function communeStyle(feature) {
    return { ...STYLE_BASE, fillColor: FILL[feature.properties.type] || FILL_OTHER };
}

function metaContent(name) {
    const m = document.querySelector(`meta[name="${name}"]`);
    return m ? m.content.trim() : '';
}

/**
 * Create the map in el. onPoint(latlng) is called for a click anywhere on the map or Enter on the
 * focused map (its centre). Returns {ready, highlight(code), zoomToUnit(unit, padRight), relabel()};
 * ready resolves with the number of communes drawn, or rejects with the load error.
 */
export function createMap(el, { onPoint }) {
    const map = leafletMap(el, {
        zoomSnap: 0.25,
        zoomControl: false,
        attributionControl: true,
        renderer: svgRenderer({ padding: 0.5 }),
        minZoom: 6,
        maxZoom: 18,
    });
    map.attributionControl.setPrefix(false);
    let attribution = '';
    let zoomControl = null;
    const byCode = new Map();
    let selected = null;

    const tiles = metaContent('ioc-tiles');
    if (tiles) {
        tileLayer(tiles, { attribution: metaContent('ioc-tiles-attribution'), maxZoom: 19 }).addTo(map);
    }

    function relabel() {
        if (zoomControl) map.removeControl(zoomControl);
        zoomControl = control
            .zoom({ position: 'bottomright', zoomInTitle: t('map.zoom_in'), zoomOutTitle: t('map.zoom_out') })
            .addTo(map);
        if (attribution) map.attributionControl.removeAttribution(attribution);
        attribution = t('map.attribution');
        map.attributionControl.addAttribution(attribution);
    }
    relabel();

    function publishBounds() {
        const b = map.getBounds();
        el.dataset.bounds = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((x) => x.toFixed(6)).join(',');
        el.dataset.zoom = String(map.getZoom());
    }
    map.on('moveend', publishBounds);
    map.on('click', (e) => onPoint(e.latlng));
    el.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && e.target === el) {
            e.preventDefault();
            onPoint(map.getCenter());
        }
    });

    function styleOf(layer) {
        return layer === selected ? { ...communeStyle(layer.feature), ...STYLE_SELECTED } : communeStyle(layer.feature);
    }

    function onEachFeature(feature, layer) {
        byCode.set(String(feature.properties.code || feature.id), layer);
        layer.bindTooltip(() => document.createTextNode(feature.properties.full_name || feature.properties.name), {
            sticky: true,
            direction: 'top',
            offset: [0, -8],
            className: 'ioc-tooltip',
        });
        layer.on('mouseover', () => {
            if (layer !== selected) layer.setStyle({ ...communeStyle(feature), ...STYLE_HOVER });
        });
        layer.on('mouseout', () => layer.setStyle(styleOf(layer)));
    }

    async function load() {
        el.dataset.state = 'loading';
        const [communes, province] = await Promise.all([
            apiGetUrl(layerUrl('communes')),
            apiGetUrl(layerUrl('outline')),
        ]);
        const communeLayer = geoJSON(communes, { style: communeStyle, onEachFeature, className: 'ioc-commune' });
        const outline = geoJSON(province, { style: () => STYLE_OUTLINE, className: 'ioc-outline' });
        const bounds = outline.getLayers().length ? outline.getBounds() : communeLayer.getBounds();
        map.fitBounds(bounds, { padding: [16, 16], animate: false });
        communeLayer.addTo(map);
        outline.addTo(map);
        for (const [code, layer] of byCode) {
            const path = layer.getElement();
            if (path) path.setAttribute('data-code', code);
        }
        publishBounds();
        el.dataset.communes = String(byCode.size);
        el.dataset.state = 'ready';
        requestAnimationFrame(() => performance.mark('ioc:map-drawn'));
        return byCode.size;
    }

    const ready = load().catch((err) => {
        el.dataset.state = 'error';
        throw err;
    });

    /** Mark the commune with this code as selected (or none for a falsy code). */
    function highlight(code) {
        const prev = selected;
        selected = code ? byCode.get(String(code)) || null : null;
        if (prev) prev.setStyle(styleOf(prev));
        if (selected) {
            selected.setStyle(styleOf(selected));
            selected.bringToFront();
        }
    }

    /**
     * Zoom to a unit (its bbox, or its drawn shape). cover = {right, bottom}: pixels of the map
     * hidden by the side panel (wide screens) or the bottom sheet (narrow ones), kept clear.
     */
    function zoomToUnit(unit, cover = {}) {
        let b = null;
        if (Array.isArray(unit.bbox) && unit.bbox.length === 4) {
            const [w, s, e, n] = unit.bbox;
            b = latLngBounds([s, w], [n, e]);
        } else if (byCode.has(unit.code)) {
            b = byCode.get(unit.code).getBounds();
        }
        if (b && b.isValid()) {
            const pad = Math.min(64, Math.round(el.clientWidth / 10));
            map.fitBounds(b, {
                paddingTopLeft: [pad, pad],
                paddingBottomRight: [pad + (cover.right || 0), pad + (cover.bottom || 0)],
                maxZoom: 15,
            });
        }
    }

    return { ready, highlight, zoomToUnit, relabel, leaflet: map };
}
