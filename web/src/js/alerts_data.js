// alerts_data.js — what the console asks iocd about alerts, and the texts of an alert.
//
// GET /api/v1/alerts?state=&severity=&limit=&before= → {"count", "alerts": [alert JSON…],
// "next_before"} (src/api/openapi/alerts.json); state "open" is firing and acknowledged. The
// server's order is the id, highest first (the newest to fire first), and its pages are cut by id
// (`before`: ids below it; next_before null on the last page), so the console keeps that order:
// a repeat raises an alert's count and last_at, not its place, and "more" appends below. POST /api/v1/alerts/{id}/ack|resolve {"note"} → the alert.
// Severity is never a colour alone: severityText() is on every badge and marker.

import { apiGet, apiSend } from './api.js';
import { t, language } from './i18n.js';

export const SEVERITIES = ['critical', 'warning', 'info']; // highest first
export const STATES = ['open', 'firing', 'acknowledged', 'resolved'];
const RANK = { info: 0, warning: 1, critical: 2 };
export const LIMIT = 200;

/** info < warning < critical; unknown severities rank below info. */
export function severityRank(s) {
    return s in RANK ? RANK[s] : -1;
}

export function severityText(s) {
    return SEVERITIES.includes(s) ? t(`alert.severity.${s}`) : String(s || '');
}

export function stateText(s) {
    return STATES.includes(s) ? t(`alert.state.${s}`) : String(s || '');
}

/** A {vi, en} text in the current language (Vietnamese when the other is missing). */
export function localText(o) {
    if (!o) return '';
    if (typeof o === 'string') return o;
    return (language() === 'en' && o.en) || o.vi || o.en || '';
}

export function ruleName(a) {
    return localText(a.rule_name) || `#${a.rule}`;
}

/** Does alert a belong to a list filtered by {state, severity}? */
export function matches(a, f) {
    if (f.severity && a.severity !== f.severity) return false;
    if (!f.state) return true;
    if (f.state === 'open') return a.state === 'firing' || a.state === 'acknowledged';
    return a.state === f.state;
}

/** Newest first as the server pages them: the higher id first. */
export function newestFirst(x, y) {
    return y.id - x.id;
}

/**
 * One page of the alerts of filter {state, severity}, newest first (at most LIMIT), below id
 * `before` when given → {alerts, nextBefore} (nextBefore null: no older alert).
 */
export async function fetchAlertPage(f, signal, before) {
    const q = { state: f.state, severity: f.severity, limit: LIMIT };
    if (before) q.before = before;
    const res = await apiGet('/alerts', q, signal, { background: true });
    const alerts = ((res && res.alerts) || []).slice().sort(newestFirst);
    const next = res && Number.isInteger(res.next_before) ? res.next_before : null;
    return { alerts, nextBefore: next };
}

/** The first page of the alerts of filter {state, severity}, newest first. */
export async function fetchAlerts(f, signal) {
    return (await fetchAlertPage(f, signal)).alerts;
}

/** Acknowledge (act 'ack') or resolve (act 'resolve') alert id with a note → the alert. */
export function actOn(id, act, note) {
    const body = note ? { note } : {};
    return apiSend('POST', `/alerts/${encodeURIComponent(id)}/${act}`, body);
}
