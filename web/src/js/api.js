// api.js — the only place that talks HTTP to iocd.
//
// Requests go to the page's own origin (the CSP allows nothing else) with the session cookie
// (same-origin credentials, the fetch default). Answers are JSON; an error answer
// {"error":{"code","message"}} becomes an ApiError carrying the status and code, so callers can
// switch on err.code ("outside", "bad_credentials", "rate_limited") instead of parsing text.
// Writes made with a session carry its CSRF token in X-CSRF-Token (see session.js).
// A GET refused for a moment (429, 503 with Retry-After of at most 5 s) is asked again, twice at
// most. Every call to the API but a background read (apiGet's option) is a use of the session for iocd's idle timeout: onApiUse(fn) lets
// session.js hear of them (fn(time, status) after each answer) and move its end estimate on.

import { t } from './i18n.js';

export const API = '/api/v1';

export class ApiError extends Error {
    constructor(status, code, message, field) {
        super(message || code);
        this.name = 'ApiError';
        this.status = status;
        this.code = code;
        this.field = field; // the member at fault of an invalid_field answer, when named
    }
}

let csrfToken = '';
const useListeners = [];

/** Call fn(timeMs, status) after every answer of the API (the session was used at timeMs). */
export function onApiUse(fn) {
    useListeners.push(fn);
}

function used(sentAt, status) {
    for (const fn of useListeners) fn(sentAt, status);
}

/** Remember the CSRF token of the current session ('' when logged out). */
export function setCsrfToken(token) {
    csrfToken = token || '';
}

function url(path, params) {
    const u = new URL(API + path, location.origin);
    if (params) {
        for (const [k, v] of Object.entries(params)) {
            if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
        }
    }
    return u.pathname + u.search;
}

async function request(method, path, { params, body, signal, headers: extra, background } = {}) {
    const headers = { Accept: 'application/json', ...extra };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
    let res;
    let sentAt = Date.now();
    for (let attempt = 0; ; attempt++) {
        sentAt = Date.now();
        try {
            res = await fetch(url(path, params), {
                method,
                headers,
                body: body === undefined ? undefined : JSON.stringify(body),
                signal,
                credentials: 'same-origin',
            });
        } catch (err) {
            if (err.name === 'AbortError') throw err;
            throw new ApiError(0, 'network', t('error.network'));
        }
        // A read refused for a moment (429: this address has its renders in flight; 503: a
        // queue is full or the server is starting) is asked again after Retry-After, twice at
        // most; writes are never repeated here.
        const wait = Number(res.headers.get('retry-after'));
        if (method !== 'GET' || attempt >= 2 || (res.status !== 429 && res.status !== 503)) break;
        if (!(wait >= 0 && wait <= 5)) break;
        if (!background) used(sentAt, res.status);
        await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 0.2) * 1000));
        if (signal && signal.aborted) throw new DOMException('Aborted', 'AbortError');
    }
    if (!background) used(sentAt, res.status);
    if (res.status === 204) return null;
    let data = null;
    try {
        data = await res.json();
    } catch {
        data = null;
    }
    if (!res.ok) {
        const e = data && data.error ? data.error : {};
        throw new ApiError(
            res.status,
            e.code || 'http',
            e.message || t('error.http', { status: res.status }),
            typeof e.field === 'string' ? e.field : undefined,
        );
    }
    return data;
}

/**
 * GET path?params → parsed JSON; rejects with ApiError (or AbortError when signal fires).
 * { background: true }: a read the page makes by itself (the live console's lists), not a use
 * of the session by the person (session.js's idle estimate is not moved by it).
 */
export function apiGet(path, params, signal, { background = false } = {}) {
    return request('GET', path, { params, signal, background });
}

/**
 * GET an absolute same-origin URL with no extra header, so that the browser can answer it from a
 * <link rel="preload" as="fetch" crossorigin="anonymous"> of the page. → parsed JSON.
 */
export async function apiGetUrl(href) {
    let res;
    const sentAt = Date.now();
    try {
        res = await fetch(href, { credentials: 'same-origin' });
    } catch {
        throw new ApiError(0, 'network', t('error.network'));
    }
    used(sentAt, res.status);
    const data = await res.json().catch(() => null);
    if (!res.ok) {
        const e = data && data.error ? data.error : {};
        throw new ApiError(res.status, e.code || 'http', e.message || t('error.http', { status: res.status }));
    }
    return data;
}

/** POST/DELETE/… with an optional JSON body (and extra headers: If-Match) → parsed JSON or null for 204. */
export function apiSend(method, path, body, headers) {
    return request(method, path, { body, headers });
}
