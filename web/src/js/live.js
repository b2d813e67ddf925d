// live.js — the console's one connection to iocd's event stream (GET /api/v1/events, Server-Sent
// Events), which the other modules subscribe to by event type.
//
// Events: `alert` (the alert JSON plus "change"), `report`, `station` and `reset` (the server
// says: reload with a query). Subscribers get the parsed JSON data and the event's id.
// Recovery: the browser's EventSource reconnects by itself after a network cut (sending
// Last-Event-ID); it gives up for good on an answer that is not a 200 text/event-stream (a server
// restarting, a proxy's 502): then this module opens a new one after a backoff (1 s, 2 s, 4 s …
// 30 s, with jitter). Every time the connection comes back after a loss — either way — the
// subscribers of `reset` are told, as for a server reset, and reload their lists: what happened
// while the connection was down is then on screen whatever the server could resume.
// State for the indicator: 'off' (stopped), 'connecting' (first connection), 'open', 'lost'.

import { API } from './api.js';

const TYPES = ['alert', 'report', 'station', 'reset'];

/**
 * A live connection (not started). Options for tests: url, minDelay and maxDelay (ms).
 * Returns {start(), stop(), on(type, fn(data, id)) → off(), onState(fn(state)) → off(), state()}.
 */
export function createLive({ url = `${API}/events`, minDelay = 1000, maxDelay = 30000 } = {}) {
    const subs = new Map(TYPES.map((type) => [type, new Set()]));
    const stateSubs = new Set();
    let es = null;
    let state = 'off';
    let opened = false; // a connection was open since start(): the next open is a come-back
    let delay = minDelay;
    let timer = 0;

    function setState(s) {
        if (s === state) return;
        state = s;
        for (const fn of stateSubs) fn(s);
    }

    function emit(type, data, id) {
        for (const fn of subs.get(type)) {
            try {
                fn(data, id);
            } catch (err) {
                // one subscriber's failure must not starve the others
                setTimeout(() => {
                    throw err;
                });
            }
        }
    }

    function connect() {
        clearTimeout(timer);
        timer = 0;
        const source = new EventSource(url);
        es = source;
        source.addEventListener('open', () => {
            if (es !== source) return;
            delay = minDelay;
            const comeBack = opened || state === 'lost';
            opened = true;
            setState('open');
            if (comeBack) emit('reset', { reason: 'reconnected' }, '');
        });
        source.addEventListener('error', () => {
            if (es !== source) return;
            setState(opened || state === 'lost' ? 'lost' : 'connecting');
            if (source.readyState !== EventSource.CLOSED) return; // the browser retries by itself
            source.close();
            es = null;
            setState('lost');
            const wait = Math.round(delay * (0.75 + Math.random() * 0.5));
            delay = Math.min(maxDelay, delay * 2);
            timer = setTimeout(connect, wait);
        });
        for (const type of TYPES) {
            source.addEventListener(type, (e) => {
                if (es !== source) return;
                let data = null;
                try {
                    data = e.data ? JSON.parse(e.data) : null;
                } catch {
                    return; // not ours to guess at
                }
                emit(type, data, e.lastEventId || '');
            });
        }
    }

    return {
        start() {
            if (es || timer) return;
            if (typeof EventSource !== 'function') return;
            opened = false;
            delay = minDelay;
            setState('connecting');
            connect();
        },
        stop() {
            clearTimeout(timer);
            timer = 0;
            if (es) es.close();
            es = null;
            setState('off');
        },
        on(type, fn) {
            if (!subs.has(type)) throw new Error(`live: unknown event type ${type}`);
            subs.get(type).add(fn);
            return () => subs.get(type).delete(fn);
        },
        onState(fn) {
            stateSubs.add(fn);
            return () => stateSubs.delete(fn);
        },
        state: () => state,
    };
}
