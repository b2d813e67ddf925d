// env_data.js — what the environment screens ask iocd, and the small rules they share (no DOM).
//
// Used by the console's station layer (env_layer.js, env_panel.js) and the public page /aqi
// (aqi.js). Every route here is public except the water-level query (staff and up).
//   - GET /aqi/latest → GeoJSON of the air stations with their latest hourly AQI and today's
//     daily AQI (docs/environment.md).
//   - GET /stations.geojson → every station; water-level stations carry level and alarm_state.
//   - GET /aqi/{code}/hourly and /daily → the panel's 48 hours and 30 days.
//   - GET /query?measurement=water&field=level → the panel's water level over 48 hours.

import { apiGet } from './api.js';

export const POLLUTANTS = ['pm25', 'pm10', 'no2', 'so2', 'co', 'o3'];
export const CLASSES = [1, 2, 3, 4, 5, 6];
/** The lowest AQI of each class (Decision 1459, Table 1). */
export const CLASS_FROM = { 1: 0, 2: 51, 3: 101, 4: 151, 5: 201, 6: 301 };
export const CLASS_TO = { 1: 50, 2: 100, 3: 150, 4: 200, 5: 300, 6: 500 };

/** The station's name in the language ("vi" or "en"); Vietnamese when there is no English. */
export function stationName(p, lang) {
    return (lang === 'en' && p.name_en) || p.name_vi || p.code;
}

/** True for made-up demo stations: the registry's flag, or the names say so. */
export function isSynthetic(p) {
    if (p.synthetic === true) return true;
    return /\(dữ liệu mẫu\)|\(synthetic\)/i.test(`${p.name_vi || ''} ${p.name_en || ''}`);
}

/**
 * The alarm level (0 none, 1, 2, 3) of a water level: the highest alarm at or below it.
 * The server gives alarm_state; this is for live points between two reads.
 */
export function alarmState(level, p) {
    if (typeof level !== 'number' || !Number.isFinite(level)) return 0;
    let s = 0;
    for (const k of [1, 2, 3]) {
        const a = p[`alarm${k}`];
        if (typeof a === 'number' && level >= a) s = k;
    }
    return s;
}

/** Air stations sorted for the public list: highest AQI first, no AQI last, then by name. */
export function sortByAqi(features, lang) {
    return [...features].sort((a, b) => {
        const x = a.properties.aqi;
        const y = b.properties.aqi;
        const nx = typeof x === 'number';
        const ny = typeof y === 'number';
        if (nx !== ny) return nx ? -1 : 1;
        if (nx && x !== y) return y - x;
        return stationName(a.properties, lang).localeCompare(stationName(b.properties, lang), 'vi');
    });
}

/** The air stations with their latest AQI: a GeoJSON FeatureCollection (see the header). */
export function fetchLatest() {
    return apiGet('/aqi/latest', undefined, undefined, { background: true });
}

/** Every station (GeoJSON), water levels with level and alarm_state. */
export function fetchStations() {
    return apiGet('/stations.geojson', undefined, undefined, { background: true });
}

/** A station's last 48 hourly rows and 30 daily rows: {hours, days}. */
export async function fetchAqiHistory(code, signal) {
    const c = encodeURIComponent(code);
    const [hourly, daily] = await Promise.all([
        apiGet(`/aqi/${c}/hourly`, null, signal),
        apiGet(`/aqi/${c}/daily`, null, signal),
    ]);
    return { hours: hourly.hours || [], days: daily.days || [] };
}

/** A water-level station's levels over the last 48 hours in 10-minute means: [[ms, m]…]. */
export async function fetchLevels(code, signal) {
    const step = 600000;
    const end = Date.now();
    const start = Math.floor((end - 48 * 3600 * 1000) / step) * step;
    const data = await apiGet(
        '/query',
        {
            measurement: 'water',
            field: 'level',
            'tag.station': code,
            group: 'station',
            start: new Date(start).toISOString(),
            end: new Date(end + step).toISOString(),
            step: '10m',
            agg: 'mean',
        },
        signal,
    );
    const s = (data.series || [])[0];
    return s ? s.points.filter((p) => typeof p[1] === 'number') : [];
}
