// env_panel.js — the station panel of the console (#env-panel, the side panel's pattern): an air
// station's last 48 hours (hourly AQI) and 30 days (daily AQI) as uPlot charts, with the
// sub-index of each pollutant in a table; a water-level station's level over 48 hours with its
// alarm lines (the level needs a signed-in user: /query is for staff and up).
//
// Loaded with import() when a station is first opened (uPlot is a chunk of its own). What is shown
// is kept as data and drawn again when the language changes. Times in Asia/Ho_Chi_Minh.
// Hooks for tests: #env-panel[data-state=loading|ready|error][data-station][data-kind],
// .env-chart[data-points] (points drawn), #env-subs tr[data-pollutant].

import uPlot from 'uplot';
import { t, language, has } from './i18n.js';
import { formatNumber, formatDate, formatDateTime, TIME_ZONE } from './format.js';
import { h, byId, replaceChildren } from './dom.js';
import { API } from './api.js';
import { POLLUTANTS, stationName, fetchAqiHistory, fetchLevels } from './env_data.js';
import { aqiText, levelText } from './env_layer.js';

const H = 3600 * 1000;
const BAND_COLOURS = { 1: '#00e400', 2: '#ffff00', 3: '#ff7e00', 4: '#ff0000', 5: '#8f3f97', 6: '#7e0023' };
const BAND_FROM = [0, 50, 100, 150, 200, 300, 500];
const ALARM_COLOURS = ['', '#b08900', '#e8590c', '#c1121f'];

// A time label "YYYY-MM-DDTHH:MM:SS+07:00" → ms; a date "YYYY-MM-DD" → its local noon.
const ms = (time) => (time.length === 10 ? Date.parse(`${time}T12:00:00+07:00`) : Date.parse(time));

/** Create the panel (the element #env-panel of index.html). */
export function createEnvPanel({ announce, onClose, signedIn }) {
    const root = byId('env-panel');
    const titleEl = byId('env-panel-title');
    const body = byId('env-panel-body');
    let view = null; // {station, kind, data?, error?}
    let controller = null;
    let charts = [];

    function destroyCharts() {
        for (const c of charts) c.destroy();
        charts = [];
    }

    function row(label, value, attrs) {
        return [h('dt', null, label), h('dd', attrs || null, value)];
    }

    function statusText(p) {
        return has(`env.status.${p.status}`) ? t(`env.status.${p.status}`) : p.status || '';
    }

    // Class bands behind the AQI charts, faint, so the colour adds to the axis' numbers.
    function bandsHook(u) {
        const ctx = u.ctx;
        const { left, top, width, height } = u.bbox;
        ctx.save();
        ctx.globalAlpha = 0.14;
        for (let k = 1; k <= 6; k++) {
            const y0 = u.valToPos(BAND_FROM[k - 1], 'y', true);
            const y1 = u.valToPos(BAND_FROM[k], 'y', true);
            const a = Math.max(top, Math.min(y0, y1));
            const b = Math.min(top + height, Math.max(y0, y1));
            if (b <= a) continue;
            ctx.fillStyle = BAND_COLOURS[k];
            ctx.fillRect(left, a, width, b - a);
        }
        ctx.restore();
    }

    function tickText(splits, daily) {
        const f = new Intl.DateTimeFormat('en-GB', {
            timeZone: TIME_ZONE,
            day: '2-digit',
            month: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23',
        });
        return splits.map((s) => {
            const p = {};
            for (const x of f.formatToParts(new Date(s * 1000))) p[x.type] = x.value;
            return daily ? `${p.day}/${p.month}` : `${p.hour}:${p.minute}\n${p.day}/${p.month}`;
        });
    }

    /** A uPlot chart into el: x in ms, one or more y series ({label, values, stroke, dash, bars}). */
    function chart(el, xs, series, { daily, yLabel, bands, yMax }) {
        const width = Math.max(280, el.clientWidth || 320);
        const opts = {
            width,
            height: 180,
            tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), TIME_ZONE),
            legend: { show: false },
            cursor: { drag: { x: false, y: false } },
            scales: { x: { time: true }, y: yMax ? { range: (u, lo, hi) => [0, Math.max(yMax, hi)] } : {} },
            series: [
                {},
                ...series.map((s) => ({
                    label: s.label,
                    stroke: s.stroke,
                    width: s.width || 2,
                    dash: s.dash,
                    spanGaps: !s.bars,
                    fill: s.bars ? 'rgba(11,79,108,0.55)' : undefined,
                    paths: s.bars ? uPlot.paths.bars({ size: [0.7, 24] }) : undefined,
                    points: { show: !s.bars && !s.dash && xs.length < 60 },
                })),
            ],
            axes: [
                { values: (u, splits) => tickText(splits, daily), size: daily ? 30 : 44 },
                { label: yLabel, size: 50 },
            ],
            hooks: bands ? { drawClear: [bandsHook] } : {},
        };
        const data = [xs.map((x) => x / 1000), ...series.map((s) => s.values)];
        const c = new uPlot(opts, data, el);
        charts.push(c);
        el.dataset.points = String(series[0].values.filter((v) => typeof v === 'number').length);
        return c;
    }

    function airBody(p, data) {
        const lang = language();
        const hours = data.hours;
        const days = data.days;
        const withAqi = hours.filter((r) => typeof r.aqi === 'number');
        const last = withAqi[withAqi.length - 1] || null;
        const today = days.length ? days[days.length - 1] : null;
        const worst = withAqi.reduce((a, r) => (!a || r.aqi > a.aqi ? r : a), null);
        const className = (r) => (lang === 'en' ? r.class_en : r.class_vi);
        const hourlyEl = h('div', { class: 'env-chart', id: 'env-hourly', role: 'img' });
        const dailyEl = h('div', { class: 'env-chart', id: 'env-daily', role: 'img' });
        const subs = h(
            'table',
            { class: 'env-subs', id: 'env-subs' },
            h(
                'thead',
                null,
                h(
                    'tr',
                    null,
                    h('th', { scope: 'col' }, t('env.pollutant')),
                    h('th', { scope: 'col' }, t('env.conc')),
                    h('th', { scope: 'col' }, t('env.sub_hour')),
                    h('th', { scope: 'col' }, t('env.sub_day')),
                ),
            ),
            h(
                'tbody',
                null,
                POLLUTANTS.map((k) => {
                    const sh = last && last.sub ? last.sub[k] : undefined;
                    const sd = today && today.sub ? today.sub[k] : undefined;
                    const c = last && last.conc ? last.conc[k] : undefined;
                    return h(
                        'tr',
                        { dataset: { pollutant: k }, class: last && last.dominant === k ? 'env-dominant' : null },
                        h('th', { scope: 'row' }, t(`env.p.${k}`)),
                        h('td', null, typeof c === 'number' ? formatNumber(c, 1) : '—'),
                        h('td', null, typeof sh === 'number' ? String(sh) : '—'),
                        h('td', null, typeof sd === 'number' ? String(sd) : '—'),
                    );
                }),
            ),
        );
        const hrefOf = (kind) => `${API}/aqi/${encodeURIComponent(p.code)}/${kind}?format=csv`;
        replaceChildren(
            body,
            h(
                'dl',
                { class: 'facts' },
                row(t('env.aqi_now'), last ? aqiText(last) : t('env.no_aqi'), {
                    class: `env-now env-c${last ? last.class : 0}`,
                    'data-field': 'aqi',
                }),
                last ? row(t('env.hour'), formatDateTime(last.time)) : null,
                last && last.dominant ? row(t('env.dominant'), t(`env.p.${last.dominant}`)) : null,
                today && typeof today.aqi === 'number'
                    ? row(t('env.day_aqi', { date: formatDate(today.time) }), `${today.aqi} · ${className(today)}`)
                    : null,
                row(t('env.commune'), p.commune_name || '—'),
                row(t('env.status'), statusText(p)),
                p.last_reading ? row(t('env.last_reading'), formatDateTime(p.last_reading)) : null,
            ),
            h('h3', { class: 'env-h' }, t('env.hourly_title')),
            hourlyEl,
            h(
                'p',
                { class: 'muted env-caption' },
                worst
                    ? t('env.hourly_caption', {
                          max: worst.aqi,
                          cls: className(worst),
                          time: formatDateTime(worst.time),
                          n: withAqi.length,
                      })
                    : t('env.no_aqi'),
            ),
            h('h3', { class: 'env-h' }, t('env.daily_title')),
            dailyEl,
            h('h3', { class: 'env-h' }, t('env.subs_title')),
            subs,
            h('p', { class: 'muted env-caption' }, t('env.subs_caption')),
            h(
                'p',
                { class: 'env-links' },
                h('a', { href: hrefOf('hourly'), download: `${p.code}-aqi-hourly.csv` }, t('env.csv_hourly')),
                ' · ',
                h('a', { href: hrefOf('daily'), download: `${p.code}-aqi-daily.csv` }, t('env.csv_daily')),
            ),
        );
        hourlyEl.setAttribute('aria-label', t('env.hourly_title'));
        dailyEl.setAttribute('aria-label', t('env.daily_title'));
        chart(
            hourlyEl,
            hours.map((r) => ms(r.time)),
            [{ label: 'AQI', values: hours.map((r) => r.aqi), stroke: '#0b4f6c' }],
            { yLabel: 'AQI', bands: true, yMax: 100 },
        );
        chart(
            dailyEl,
            days.map((r) => ms(r.time)),
            [{ label: 'AQI', values: days.map((r) => r.aqi), stroke: '#0b4f6c', bars: true }],
            { daily: true, yLabel: 'AQI', bands: true, yMax: 100 },
        );
    }

    function waterBody(p, data) {
        const alarms = [1, 2, 3].filter((k) => typeof p[`alarm${k}`] === 'number');
        const state = typeof p.alarm_state === 'number' ? p.alarm_state : 0;
        const levelEl = h('div', { class: 'env-chart', id: 'env-level', role: 'img' });
        replaceChildren(
            body,
            h(
                'dl',
                { class: 'facts' },
                row(t('env.level_now'), levelText(typeof p.level === 'number' ? p.level : null, state), {
                    class: `env-now env-alarm${state}`,
                    'data-field': 'level',
                }),
                alarms.map((k) =>
                    row(t(`env.alarm.${k}`), t('env.level_value', { value: formatNumber(p[`alarm${k}`], 2) })),
                ),
                row(t('env.commune'), p.commune_name || '—'),
                row(t('env.status'), statusText(p)),
                p.last_reading ? row(t('env.last_reading'), formatDateTime(p.last_reading)) : null,
            ),
            h('h3', { class: 'env-h' }, t('env.level_title')),
            data.levels ? levelEl : h('p', { class: 'muted', id: 'env-level-signin' }, t('env.level_signin')),
        );
        if (!data.levels) return;
        levelEl.setAttribute('aria-label', t('env.level_title'));
        const xs = data.levels.map((x) => x[0]);
        chart(
            levelEl,
            xs,
            [
                { label: t('env.level'), values: data.levels.map((x) => x[1]), stroke: '#0b4f6c' },
                ...alarms.map((k) => ({
                    label: t(`env.alarm.${k}`),
                    values: xs.map(() => p[`alarm${k}`]),
                    stroke: ALARM_COLOURS[k],
                    dash: [6, 4],
                    width: 1.5,
                })),
            ],
            { yLabel: 'm' },
        );
        body.append(
            h(
                'ul',
                { class: 'env-alarm-legend' },
                alarms.map((k) =>
                    h(
                        'li',
                        null,
                        h('span', { class: `swatch-dash env-dash${k}`, 'aria-hidden': 'true' }),
                        `${t(`env.alarm.${k}`)}: ${t('env.level_value', { value: formatNumber(p[`alarm${k}`], 2) })}`,
                    ),
                ),
            ),
        );
    }

    function render() {
        if (!view) return;
        destroyCharts();
        const p = view.station;
        root.dataset.station = p.code;
        root.dataset.kind = view.kind;
        titleEl.textContent = stationName(p, language());
        if (view.error) {
            root.dataset.state = 'error';
            replaceChildren(body, h('p', { class: 'error' }, t('env.error', { message: view.error })));
        } else if (!view.data) {
            root.dataset.state = 'loading';
            replaceChildren(body, h('p', { class: 'muted' }, t('panel.loading')));
        } else {
            if (view.kind === 'air') airBody(p, view.data);
            else waterBody(p, view.data);
            root.dataset.state = 'ready';
        }
    }

    async function load(quiet) {
        if (controller) controller.abort();
        const ctrl = (controller = new AbortController());
        const { station, kind } = view;
        try {
            let data;
            if (kind === 'air') data = await fetchAqiHistory(station.code, ctrl.signal);
            else data = { levels: signedIn() ? await fetchLevels(station.code, ctrl.signal) : null };
            if (ctrl !== controller) return;
            view.data = data;
            view.error = null;
        } catch (err) {
            if (ctrl !== controller || err.name === 'AbortError') return;
            if (quiet && view.data) return;
            view.error = err.message;
        }
        render();
        if (!quiet) announce(titleEl.textContent);
    }

    /** Open the panel on a station (props of env_layer) of kind 'air' or 'water'. */
    function open(station, kind) {
        view = { station, kind, data: null, error: null };
        root.hidden = false;
        render();
        root.focus();
        return load(false);
    }

    /** New data for the station shown: its facts now, its charts read again (quietly). */
    function update(station) {
        if (!view || root.hidden || !station || station.code !== view.station.code) return;
        const newer =
            view.kind === 'air'
                ? station.time !== view.station.time
                : station.last_reading !== view.station.last_reading;
        view.station = station;
        if (!newer) return;
        if (view.kind === 'air') load(true);
        else if (view.data) render();
    }

    function close(returnTo) {
        if (root.hidden) return false;
        if (controller) controller.abort();
        controller = null;
        const hadFocus = root.contains(document.activeElement);
        destroyCharts();
        root.hidden = true;
        root.dataset.state = 'closed';
        view = null;
        if (hadFocus && returnTo) returnTo.focus();
        onClose();
        return true;
    }

    byId('env-panel-close').addEventListener('click', () => close(byId('map')));
    document.addEventListener('ioc:language', () => {
        if (view && !root.hidden) render();
    });
    window.addEventListener('resize', () => {
        for (const c of charts) c.setSize({ width: Math.max(280, c.root.parentElement.clientWidth), height: 180 });
    });

    return { open, update, close, code: () => (view && !root.hidden ? view.station.code : null) };
}
