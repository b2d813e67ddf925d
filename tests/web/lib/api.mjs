// api.mjs — the API of a test's iocd from node: public reads, and a signed-in session (cookie and
// CSRF token) for writes such as telemetry lines.

import { PASSWORDS } from './iocd.mjs';

/** GET base+path → parsed JSON (throws on a non-2xx answer). */
export async function getJson(base, path) {
    const r = await fetch(base + path, { headers: { accept: 'application/json' } });
    if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
    return r.json();
}

/** Sign in as a demo user; → {request(method, path, body, headers) → Response}. */
export async function signIn(base, username) {
    const r = await fetch(`${base}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: PASSWORDS[username] }),
    });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
    const { csrf_token: csrf } = await r.json();
    const cookie = /ioc_session=[^;]*/.exec(r.headers.get('set-cookie'))[0];
    return {
        request: (method, path, body, headers = {}) =>
            fetch(base + path, { method, body, headers: { cookie, 'x-csrf-token': csrf, ...headers } }),
    };
}

/** Write line protocol (precision ms) with a signed-in session; throws unless 204. */
export async function writeLines(session, lines) {
    const r = await session.request('POST', '/write?precision=ms', lines);
    if (r.status !== 204) throw new Error(`write: ${r.status} ${await r.text()}`);
}
