// format.js — numbers, areas and dates the way the user's language writes them.
//
// Vietnamese: 1.234,5 and dd/mm/yyyy; English uses en-GB (1,234.5 and dd/mm/yyyy too). Calendar
// dates from the API ("2025-07-01") are dates, not instants: they are reformatted without any time
// zone arithmetic. Instants (RFC 3339) and "today" are taken in Asia/Ho_Chi_Minh (UTC+7), the
// zone of every unit ioc serves.

import { locale, t } from './i18n.js';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const numberFormats = new Map();

function numberFormat(digits) {
    const key = `${locale()}|${digits}`;
    let nf = numberFormats.get(key);
    if (!nf) {
        nf = new Intl.NumberFormat(locale(), {
            minimumFractionDigits: digits,
            maximumFractionDigits: digits,
        });
        numberFormats.set(key, nf);
    }
    return nf;
}

/** n with exactly `digits` decimals in the current locale ("1.234,5" in Vietnamese). */
export function formatNumber(n, digits = 0) {
    if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
    return numberFormat(digits).format(n);
}

/** An area in km² with one decimal: "1.234,5 km²". */
export function formatArea(km2) {
    if (typeof km2 !== 'number' || !Number.isFinite(km2)) return '—';
    return t('unit.area_value', { value: formatNumber(km2, 1) });
}

/** A calendar date "YYYY-MM-DD" as "dd/mm/yyyy"; anything else is returned unchanged. */
export function formatDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    return m ? `${m[3]}/${m[2]}/${m[1]}` : iso || '';
}

function zoneParts(date) {
    const parts = new Intl.DateTimeFormat('en-GB', {
        timeZone: TIME_ZONE,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
    }).formatToParts(date);
    const out = {};
    for (const p of parts) out[p.type] = p.value;
    return out;
}

/** An instant (Date or RFC 3339 text) as "dd/mm/yyyy HH:MM" in Asia/Ho_Chi_Minh. */
export function formatDateTime(value) {
    const d = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(d.getTime())) return '';
    const p = zoneParts(d);
    return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** Today's date in Asia/Ho_Chi_Minh as "YYYY-MM-DD" (the `at=` of API calls). */
export function todayIso(now = new Date()) {
    const p = zoneParts(now);
    return `${p.year}-${p.month}-${p.day}`;
}

/** A latitude/longitude pair with 5 decimals (about 1 m) in the current locale. */
export function formatCoords(lat, lon) {
    return t('unit.coords', { lat: formatNumber(lat, 5), lon: formatNumber(lon, 5) });
}
