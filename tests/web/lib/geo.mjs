// geo.mjs — boundary geometry for the browser tests: points well inside a commune (from the raw
// data, checked by point-in-polygon), points outside all of them, and Web Mercator conversion
// from longitude/latitude to a pixel of the map element given the view bounds the page publishes.

import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './iocd.mjs';

const DATA = path.join(ROOT, 'data', 'vn-units');

export function loadCommunes() {
    return JSON.parse(fs.readFileSync(path.join(DATA, 'dongnai-2025-communes.geojson'), 'utf8')).features;
}

export function loadProvince() {
    return JSON.parse(fs.readFileSync(path.join(DATA, 'dongnai-2025-province.geojson'), 'utf8')).features;
}

function polygons(geometry) {
    return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

function inRing([x, y], ring) {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
}

/** True when [lon, lat] is inside the (Multi)Polygon geometry (holes excluded). */
export function contains(geometry, pt) {
    return polygons(geometry).some((poly) => inRing(pt, poly[0]) && !poly.slice(1).some((hole) => inRing(pt, hole)));
}

/** Distance in metres from [lon, lat] to the nearest edge of the geometry (equirectangular). */
export function edgeDistance(geometry, [lon, lat]) {
    const kx = 111320 * Math.cos((lat * Math.PI) / 180);
    const ky = 110540;
    let best = Infinity;
    for (const poly of polygons(geometry)) {
        for (const ring of poly) {
            for (let i = 1; i < ring.length; i++) {
                const ax = (ring[i - 1][0] - lon) * kx;
                const ay = (ring[i - 1][1] - lat) * ky;
                const bx = (ring[i][0] - lon) * kx;
                const by = (ring[i][1] - lat) * ky;
                const dx = bx - ax;
                const dy = by - ay;
                const l2 = dx * dx + dy * dy;
                const t = l2 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / l2)) : 0;
                best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
            }
        }
    }
    return best;
}

export function bbox(geometry) {
    const b = [Infinity, Infinity, -Infinity, -Infinity];
    for (const poly of polygons(geometry)) {
        for (const [x, y] of poly[0]) {
            b[0] = Math.min(b[0], x);
            b[1] = Math.min(b[1], y);
            b[2] = Math.max(b[2], x);
            b[3] = Math.max(b[3], y);
        }
    }
    return b;
}

/** The grid point (n×n over the bbox) inside the geometry farthest from its edges: {pt, margin}. */
export function interiorPoint(geometry, n = 24) {
    const [w, s, e, north] = bbox(geometry);
    let best = { pt: null, margin: -1 };
    for (let i = 1; i < n; i++) {
        for (let j = 1; j < n; j++) {
            const pt = [w + ((e - w) * i) / n, s + ((north - s) * j) / n];
            if (!contains(geometry, pt)) continue;
            const d = edgeDistance(geometry, pt);
            if (d > best.margin) best = { pt, margin: d };
        }
    }
    return best;
}

const mercY = (lat) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));

/** Pixel (page coordinates) of [lon, lat] in a map element at box showing bounds [w, s, e, n]. */
export function toPixel([lon, lat], [w, s, e, n], box) {
    return {
        x: box.x + ((lon - w) / (e - w)) * box.width,
        y: box.y + ((mercY(n) - mercY(lat)) / (mercY(n) - mercY(s))) * box.height,
    };
}

/** Inverse of toPixel. */
export function toLonLat({ x, y }, [w, s, e, n], box) {
    const my = mercY(n) - ((y - box.y) / box.height) * (mercY(n) - mercY(s));
    return [w + ((x - box.x) / box.width) * (e - w), ((2 * Math.atan(Math.exp(my)) - Math.PI / 2) * 180) / Math.PI];
}
