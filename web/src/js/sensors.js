// sensors.js — the "Dữ liệu cảm biến" screen: pick a measurement, a field and up to MAX_SERIES
// series (stations), see them on a uPlot chart for the last hour, day, month or year, live.
//
// Loaded lazily (console.js: import() when the screen first opens), so uPlot stays out of the
// console's first load. State lives in the URL: #sensors?m=air&f=pm25&s=AQ-01,AQ-02&r=1d.
// Data:
//   - GET /series → the measurements, fields and series (a series is one value of the station
//     tag; its label is commune_name · station). The search box ignores case and diacritics.
//   - GET /query?measurement&field&tag.station=…&group=station&start&step&agg=mean → the chart;
//     each range has its step (RANGES), i.e. the rollup the engine aggregates to.
//   - Live: EventSource /stream?measurement&field&tag.station=… (event "points"; "reset" reloads
//     the chart). When the stream cannot be opened (no such route: 404), polling /latest every
//     POLL_MS instead, and the screen says so. A live point goes into its bucket (the last one,
//     or a new one); rows older than the range are dropped and at most MAX_ROWS are kept.
//   - "Tải CSV": the same query with format=csv.
// Times are shown in Asia/Ho_Chi_Minh, dd/mm/yyyy HH:mm (format.js).

import uPlot from 'uplot';
import { apiGet, API } from './api.js';
import { t, has } from './i18n.js';
import { formatDateTime, formatNumber, TIME_ZONE } from './format.js';
import { h, replaceChildren } from './dom.js';

export const MAX_SERIES = 8;
const POLL_MS = 10000;
const MAX_ROWS = 2000;
const COLORS = ['#0b6bcb', '#d9480f', '#2b8a3e', '#862e9c', '#c2255c', '#5f3dc4', '#e67700', '#087f5b'];
const H = 3600 * 1000;
export const RANGES = {
    '1h': { span: H, step: '10s', stepMs: 10000 },
    '1d': { span: 24 * H, step: '5m', stepMs: 300000 },
    '1mo': { span: 30 * 24 * H, step: '1h', stepMs: H },
    '1y': { span: 365 * 24 * H, step: '1d', stepMs: 24 * H },
};

/** Lower case without diacritics: "Biên Hòa" and "BIEN HOA" both give "bien hoa". */
export function fold(s) {
    return String(s || '')
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[đĐ]/g, 'd')
        .toLowerCase()
        .trim();
}

function parseHash() {
    const m = /^#sensors\??(.*)$/.exec(location.hash);
    const p = new URLSearchParams(m ? m[1] : '');
    return {
        m: p.get('m') || '',
        f: p.get('f') || '',
        s: (p.get('s') || '').split(',').filter(Boolean).slice(0, MAX_SERIES),
        r: RANGES[p.get('r')] ? p.get('r') : '1d',
    };
}

const parts = { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' };
const tickFormat = new Intl.DateTimeFormat('en-GB', { ...parts, timeZone: TIME_ZONE, hourCycle: 'h23' });

function tick(ms, range) {
    const p = {};
    for (const x of tickFormat.formatToParts(new Date(ms))) p[x.type] = x.value;
    if (range === '1y') return `${p.day}/${p.month}/${p.year}`;
    if (range === '1mo') return `${p.day}/${p.month}`;
    return `${p.hour}:${p.minute}\n${p.day}/${p.month}`;
}

export function createSensors(root, { announce }) {
    let all = []; // series of the API: {measurement, field, tags}
    let state = parseHash();
    let chart = null;
    let rows = new Map(); // time ms → [v per selected station]
    let live = null; // {close()}
    let mode = ''; // 'stream' | 'poll'
    let loadSeq = 0;
    let period = null; // {from, to} of the chart shown
    let seen = []; // per selected station: the time of the newest point the chart has (ms)

    const el = {};
    function build() {
        el.m = h('select', { id: 'sensors-m', class: 'sensors-select' });
        el.f = h('select', { id: 'sensors-f', class: 'sensors-select' });
        el.q = h('input', {
            id: 'sensors-q',
            type: 'search',
            class: 'sensors-search',
            autocomplete: 'off',
            spellcheck: 'false',
        });
        el.list = h('ul', { id: 'sensors-list', class: 'sensors-list', 'aria-labelledby': 'sensors-list-title' });
        el.count = h('p', { class: 'sensors-count', id: 'sensors-count', 'aria-live': 'polite' });
        el.ranges = h('div', { class: 'sensors-ranges', role: 'group', id: 'sensors-ranges' });
        for (const r of Object.keys(RANGES)) {
            el.ranges.append(h('button', { type: 'button', class: 'button range-button', dataset: { range: r } }));
        }
        el.csv = h('a', { id: 'sensors-csv', class: 'button', download: '' });
        el.live = h('span', { id: 'sensors-live', class: 'sensors-live' });
        el.period = h('p', { id: 'sensors-period', class: 'sensors-period' });
        el.chart = h('div', { id: 'sensors-chart', class: 'sensors-chart' });
        el.empty = h('p', { id: 'sensors-empty', class: 'sensors-empty' });
        el.error = h('p', { id: 'sensors-error', class: 'sensors-error', role: 'alert', hidden: true });
        el.legend = h('ul', { id: 'sensors-legend', class: 'sensors-legend' });
        el.labels = {
            title: h('h2', { class: 'sensors-title', id: 'sensors-title' }),
            m: h('label', { for: 'sensors-m' }),
            f: h('label', { for: 'sensors-f' }),
            q: h('label', { for: 'sensors-q' }),
            list: h('h3', { id: 'sensors-list-title', class: 'sensors-list-title' }),
            synthetic: h('p', { class: 'sensors-note', id: 'sensors-note' }),
        };
        replaceChildren(
            root,
            h(
                'div',
                { class: 'sensors-side' },
                el.labels.title,
                h('div', { class: 'field' }, el.labels.m, el.m),
                h('div', { class: 'field' }, el.labels.f, el.f),
                h('div', { class: 'field' }, el.labels.q, el.q),
                el.labels.list,
                el.count,
                el.list,
                el.labels.synthetic,
            ),
            h(
                'div',
                { class: 'sensors-main' },
                h('div', { class: 'sensors-toolbar' }, el.ranges, el.live, el.csv),
                el.period,
                el.error,
                el.empty,
                el.chart,
                el.legend,
            ),
        );
        el.m.addEventListener('change', () => go({ m: el.m.value, f: '', s: [] }));
        el.f.addEventListener('change', () => go({ f: el.f.value, s: [] }));
        el.q.addEventListener('input', renderList);
        el.list.addEventListener('change', (e) => {
            const box = e.target.closest('input[type="checkbox"]');
            if (!box) return;
            const s = state.s.filter((x) => x !== box.value);
            if (box.checked) {
                if (s.length >= MAX_SERIES) {
                    box.checked = false;
                    announce(t('sensors.max', { max: MAX_SERIES }));
                    return;
                }
                s.push(box.value);
            }
            go({ s });
        });
        el.ranges.addEventListener('click', (e) => {
            const b = e.target.closest('[data-range]');
            if (b) go({ r: b.dataset.range });
        });
    }

    function labelOf(kind, name) {
        return has(`sensors.${kind}.${name}`) ? t(`sensors.${kind}.${name}`) : name;
    }
    function unitOf(field) {
        return has(`sensors.unit.${field}`) ? t(`sensors.unit.${field}`) : '';
    }
    function stationsOf(m, f) {
        const seen = new Map();
        for (const s of all) {
            if (s.measurement !== m || s.field !== f || !s.tags || !s.tags.station) continue;
            const tags = s.tags;
            const label = tags.commune_name ? `${tags.commune_name} · ${tags.station}` : tags.station;
            seen.set(tags.station, {
                station: tags.station,
                label,
                folded: fold(label),
                synthetic: tags.synthetic === 'true',
            });
        }
        return [...seen.values()].sort((a, b) => a.label.localeCompare(b.label, 'vi'));
    }
    function stationLabel(code) {
        const s = stationsOf(state.m, state.f).find((x) => x.station === code);
        return s ? s.label : code;
    }

    /** Change the state (merged into the current one) through the URL. */
    function go(change) {
        return apply({ ...state, ...change });
    }

    function writeHash() {
        const p = new URLSearchParams();
        if (state.m) p.set('m', state.m);
        if (state.f) p.set('f', state.f);
        if (state.s.length) p.set('s', state.s.join(','));
        p.set('r', state.r);
        const hash = `#sensors?${p.toString().replace(/%2C/g, ',')}`;
        if (location.hash !== hash) history.replaceState(null, '', hash);
    }

    function renderPeriod() {
        el.period.textContent = period
            ? t('sensors.period', { from: formatDateTime(period.from), to: formatDateTime(period.to) })
            : '';
    }

    function texts() {
        renderPeriod();
        el.labels.title.textContent = t('sensors.title');
        el.labels.m.textContent = t('sensors.measurement');
        el.labels.f.textContent = t('sensors.field');
        el.labels.q.textContent = t('sensors.search');
        el.q.placeholder = t('sensors.search_placeholder');
        el.labels.list.textContent = t('sensors.series');
        el.ranges.setAttribute('aria-label', t('sensors.range'));
        for (const b of el.ranges.children) {
            b.textContent = t(`sensors.range.${b.dataset.range}`);
            b.setAttribute('aria-pressed', b.dataset.range === state.r ? 'true' : 'false');
        }
        el.csv.textContent = t('sensors.csv');
        el.live.textContent = mode ? t(`sensors.live.${mode}`) : '';
        el.labels.synthetic.textContent = all.some((s) => s.tags && s.tags.synthetic === 'true')
            ? t('sensors.synthetic')
            : '';
    }

    function renderPickers() {
        const ms = [...new Set(all.map((s) => s.measurement))].sort();
        replaceChildren(
            el.m,
            ms.map((m) => h('option', { value: m, selected: m === state.m }, labelOf('m', m))),
        );
        const fs = [...new Set(all.filter((s) => s.measurement === state.m).map((s) => s.field))].sort();
        replaceChildren(
            el.f,
            fs.map((f) => {
                const u = unitOf(f);
                return h('option', { value: f, selected: f === state.f }, labelOf('f', f) + (u ? ` (${u})` : ''));
            }),
        );
    }

    function renderList() {
        const q = fold(el.q.value);
        const st = stationsOf(state.m, state.f);
        const shown = st.filter((s) => !q || s.folded.includes(q) || state.s.includes(s.station));
        replaceChildren(
            el.list,
            shown.map((s) =>
                h(
                    'li',
                    { class: 'sensors-item' },
                    h(
                        'label',
                        {},
                        h('input', {
                            type: 'checkbox',
                            value: s.station,
                            checked: state.s.includes(s.station),
                            dataset: { label: s.label },
                        }),
                        h('span', {}, s.label),
                    ),
                ),
            ),
        );
        el.count.textContent = t('sensors.count', { shown: shown.length, total: st.length, max: MAX_SERIES });
    }

    function showError(err) {
        el.error.textContent = err ? t('sensors.error', { message: err.message }) : '';
        el.error.hidden = !err;
    }

    function queryParams(extra) {
        const r = RANGES[state.r];
        const end = Date.now();
        const start = Math.floor((end - r.span) / r.stepMs) * r.stepMs;
        return {
            measurement: state.m,
            field: state.f,
            'tag.station': state.s.join(','),
            group: 'station',
            start: new Date(start).toISOString(),
            end: new Date(end + r.stepMs).toISOString(),
            step: r.step,
            agg: 'mean',
            ...extra,
        };
    }

    function csvHref() {
        const u = new URL(`${API}/query`, location.origin);
        for (const [k, v] of Object.entries(queryParams({ format: 'csv' }))) u.searchParams.set(k, v);
        return u.pathname + u.search;
    }

    async function loadChart() {
        const seq = ++loadSeq;
        stopLive();
        showError(null);
        const empty = !state.m || !state.f || !state.s.length;
        el.empty.hidden = !empty;
        el.empty.textContent = empty ? t('sensors.empty') : '';
        el.csv.hidden = empty;
        el.chart.hidden = empty;
        if (empty) {
            destroyChart();
            replaceChildren(el.legend);
            period = null;
            mode = '';
            texts();
            root.dataset.state = 'empty';
            return;
        }
        el.csv.href = csvHref();
        el.csv.setAttribute('download', `${state.m}-${state.f}-${state.r}.csv`);
        const params = queryParams();
        period = { from: new Date(params.start), to: new Date() };
        renderPeriod();
        root.dataset.state = 'loading';
        const sentAt = Date.now();
        let data;
        try {
            data = await apiGet('/query', params);
        } catch (err) {
            if (seq !== loadSeq) return;
            root.dataset.state = 'error';
            showError(err);
            return;
        }
        if (seq !== loadSeq) return;
        rows = new Map();
        // a point older than the query was in its answer (the demo stamps whole seconds)
        seen = state.s.map(() => sentAt - 1500);
        for (const s of data.series || []) {
            const k = state.s.indexOf(s.tags && s.tags.station);
            if (k < 0) continue;
            for (const [time, v] of s.points) {
                let row = rows.get(time);
                if (!row) rows.set(time, (row = new Array(state.s.length).fill(null)));
                row[k] = v;
            }
        }
        draw();
        root.dataset.state = 'ready';
        startLive();
    }

    function columns() {
        const times = [...rows.keys()].sort((a, b) => a - b);
        const cols = [times.map((x) => x / 1000)];
        state.s.forEach((_, k) => cols.push(times.map((x) => rows.get(x)[k])));
        return cols;
    }

    function destroyChart() {
        if (chart) chart.destroy();
        chart = null;
    }

    function draw() {
        destroyChart();
        const range = state.r;
        const unit = unitOf(state.f);
        const width = Math.max(320, el.chart.clientWidth || 800);
        const opts = {
            width,
            height: 360,
            tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), TIME_ZONE),
            scales: { x: { time: true } },
            legend: { show: false },
            cursor: { drag: { x: false, y: false } },
            series: [
                {},
                ...state.s.map((code, k) => ({
                    label: stationLabel(code),
                    stroke: COLORS[k % COLORS.length],
                    width: 2,
                    spanGaps: true,
                    points: { show: false },
                })),
            ],
            axes: [
                {
                    values: (u, splits) => {
                        const labels = splits.map((s) => tick(s * 1000, range));
                        el.chart.dataset.ticks = labels.join('|');
                        return labels;
                    },
                    size: range === '1h' || range === '1d' ? 50 : 36,
                },
                {
                    label: unit,
                    values: (u, splits) => splits.map((v) => formatNumber(v, Math.abs(v) < 10 && v % 1 ? 1 : 0)),
                    size: 60,
                },
            ],
        };
        chart = new uPlot(opts, columns(), el.chart);
        el.chart.setAttribute('role', 'img');
        el.chart.setAttribute(
            'aria-label',
            t('sensors.chart_label', { field: labelOf('f', state.f), count: state.s.length }),
        );
        renderLegend();
    }

    function renderLegend() {
        const times = [...rows.keys()].sort((a, b) => a - b);
        const unit = unitOf(state.f);
        replaceChildren(
            el.legend,
            state.s.map((code, k) => {
                let last = null;
                for (let i = times.length - 1; i >= 0; i--) {
                    const v = rows.get(times[i])[k];
                    if (v !== null && v !== undefined) {
                        last = { t: times[i], v };
                        break;
                    }
                }
                return h(
                    'li',
                    { class: 'sensors-legend-item', dataset: { station: code } },
                    h('span', { class: `swatch-line swatch-${k}`, 'aria-hidden': 'true' }),
                    h('span', { class: 'sensors-legend-name' }, stationLabel(code)),
                    h(
                        'span',
                        { class: 'sensors-legend-value' },
                        last
                            ? t('sensors.latest', {
                                  value: formatNumber(last.v, 1),
                                  unit,
                                  time: formatDateTime(new Date(last.t)),
                              })
                            : t('sensors.no_data'),
                    ),
                );
            }),
        );
    }

    /** A live point of station at time ms: into its bucket, dropping rows out of the range. */
    function addPoint(station, time, value) {
        const k = state.s.indexOf(station);
        if (k < 0 || typeof value !== 'number' || !(time > seen[k])) return false;
        seen[k] = time;
        const r = RANGES[state.r];
        const bucket = Math.floor(time / r.stepMs) * r.stepMs;
        let row = rows.get(bucket);
        if (!row) rows.set(bucket, (row = new Array(state.s.length).fill(null)));
        row[k] = value;
        const oldest = Date.now() - r.span - r.stepMs;
        for (const x of rows.keys()) if (x < oldest) rows.delete(x);
        while (rows.size > MAX_ROWS) rows.delete(Math.min(...rows.keys()));
        return true;
    }

    function refresh() {
        if (!chart) return;
        chart.setData(columns());
        renderLegend();
        root.dataset.liveCount = String(Number(root.dataset.liveCount || 0) + 1);
    }

    function stopLive() {
        if (live) live.close();
        live = null;
    }

    function startLive() {
        stopLive();
        const params = new URLSearchParams({ measurement: state.m, field: state.f, 'tag.station': state.s.join(',') });
        let closed = false;
        let poller = 0;
        let es = null;
        const setMode = (m) => {
            mode = m;
            el.live.dataset.mode = m;
            el.live.textContent = t(`sensors.live.${m}`);
        };
        const poll = async () => {
            if (closed) return;
            try {
                const data = await apiGet('/latest', {
                    measurement: state.m,
                    field: state.f,
                    'tag.station': state.s.join(','),
                });
                let any = false;
                for (const s of data.series || []) any = addPoint(s.tags && s.tags.station, s.time, s.value) || any;
                if (any && !closed) refresh();
            } catch {
                // the next poll tries again; the chart keeps what it has
            }
            if (!closed) poller = setTimeout(poll, POLL_MS);
        };
        const fallback = () => {
            if (es) es.close();
            es = null;
            if (closed) return;
            setMode('poll');
            poller = setTimeout(poll, POLL_MS / 2);
        };
        if (typeof EventSource === 'function') {
            es = new EventSource(`${API}/stream?${params}`);
            setMode('stream');
            es.addEventListener('points', (e) => {
                let msg;
                try {
                    msg = JSON.parse(e.data);
                } catch {
                    return;
                }
                let any = false;
                for (const p of msg.points || []) any = addPoint(p.tags && p.tags.station, p.t, p.value) || any;
                if (any) refresh();
            });
            es.addEventListener('reset', () => loadChart());
            es.addEventListener('error', () => {
                if (es && es.readyState === EventSource.CLOSED) fallback();
            });
        } else {
            fallback();
        }
        live = {
            close() {
                closed = true;
                clearTimeout(poller);
                if (es) es.close();
            },
        };
    }

    async function apply(next) {
        const old = state;
        state = next;
        if (all.length) {
            const ms = [...new Set(all.map((s) => s.measurement))].sort();
            if (!ms.includes(state.m)) state.m = ms.includes('air') ? 'air' : ms[0] || '';
            const fs = [...new Set(all.filter((s) => s.measurement === state.m).map((s) => s.field))].sort();
            if (!fs.includes(state.f)) state.f = fs[0] || '';
            const known = new Set(stationsOf(state.m, state.f).map((s) => s.station));
            state.s = state.s.filter((s) => known.has(s));
            writeHash();
        }
        renderPickers();
        renderList();
        texts();
        const same =
            old && old.m === state.m && old.f === state.f && old.r === state.r && old.s.join() === state.s.join();
        if (!same || !chart) await loadChart();
    }

    async function open() {
        root.hidden = false;
        if (!el.m) build();
        texts();
        if (!all.length) {
            root.dataset.state = 'loading';
            try {
                const data = await apiGet('/series');
                all = Array.isArray(data.series) ? data.series : [];
            } catch (err) {
                root.dataset.state = 'error';
                showError(err);
                return;
            }
        }
        destroyChart();
        const next = parseHash();
        state = { ...next, m: '' };
        await apply(next);
    }

    function close() {
        root.hidden = true;
        stopLive();
        loadSeq++;
    }

    document.addEventListener('ioc:language', () => {
        if (!el.m || root.hidden) return;
        renderPickers();
        renderList();
        texts();
        if (chart) draw();
        else if (!el.empty.hidden) el.empty.textContent = t('sensors.empty');
    });
    window.addEventListener('resize', () => {
        if (chart && !root.hidden) chart.setSize({ width: Math.max(320, el.chart.clientWidth), height: 360 });
    });

    return { open, close };
}
