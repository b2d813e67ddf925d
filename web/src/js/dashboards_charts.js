// dashboards_charts.js — the chart panels of a dashboard, drawn with uPlot: `line` (values over
// the periods of a range, one series per indicator, the target dashed when asked) and `bar`
// (by commune: the communes ranked; by period: the periods of the range). Same contract as
// dashboards_panels.js ({load, draw}); draw returns the uPlot object so the grid can destroy it.
//
// The x axis is the index of a period (or a commune), its labels the periods as people write
// them (10/2026, Quý 4/2026, 2026): periods are calendar periods, not instants, so no time zone
// arithmetic is involved. Under each chart a line of text gives the latest values (the chart's
// text alternative).

import uPlot from 'uplot';
import { t } from './i18n.js';
import { h } from './dom.js';
import { periodLabel, tr, latestRow } from './dashboards_data.js';
import { PANELS, fmt } from './dashboards_panels.js';

const COLORS = ['#0b6bcb', '#d9480f', '#2b8a3e', '#862e9c', '#c2255c', '#5f3dc4', '#e67700', '#087f5b'];

function codes(panel) {
    return panel.indicators && panel.indicators.length ? panel.indicators : [panel.indicator];
}

/** Values over time: {periods, series: [{ind, values}]} or null when all are empty. */
async function overTime(panel, ctx) {
    const answers = await Promise.all(
        codes(panel).map((c) => ctx.cache.get(c, ctx.unitOf(panel), panel.period, ctx.kind)),
    );
    const periods = [...new Set(answers.flatMap((a) => a.rows.map((r) => r.period)))].sort();
    if (!answers.some((a) => latestRow(a.rows))) return null;
    const series = answers.map((a) => {
        const by = new Map(a.rows.map((r) => [r.period, r.value]));
        return { ind: a.ind, values: periods.map((p) => (typeof by.get(p) === 'number' ? by.get(p) : null)) };
    });
    return { periods, series };
}

function size(body) {
    return { width: Math.max(240, body.clientWidth - 8), height: Math.max(120, body.clientHeight - 40) };
}

function chart(body, panel, labels, series, { bars = false, rotate = false, wall = false } = {}) {
    const xs = labels.map((_, i) => i);
    const ink = wall ? '#ced4da' : '#1b2631';
    const grid = { stroke: wall ? '#2c3e50' : '#eceff1', width: 1 };
    const opts = {
        ...size(body),
        scales: { x: { time: false, range: (u, a, b) => [a - 0.6, b + 0.6] } },
        legend: { show: series.length > 1, live: false },
        cursor: { drag: { x: false, y: false } },
        axes: [
            {
                values: (u, splits) =>
                    splits.map((i) => (Number.isInteger(i) && labels[i] !== undefined ? labels[i] : '')),
                incrs: [1, 2, 3, 4, 6, 12, 24],
                space: rotate ? 18 : 56,
                rotate: rotate ? -60 : 0,
                size: rotate ? 90 : 40,
                stroke: ink,
                grid,
            },
            { values: (u, splits) => splits.map((v) => fmt(v, panel)), size: 64, stroke: ink, grid },
        ],
        series: [{ label: '' }],
    };
    series.forEach((s, k) => {
        const o = {
            label: s.label,
            stroke: s.color || COLORS[k % COLORS.length],
            width: 2,
            dash: s.dash,
            spanGaps: false,
        };
        if (bars) {
            o.fill = `${COLORS[k % COLORS.length]}cc`;
            o.paths = uPlot.paths.bars({ size: [0.8 / (1 + 0.5 * k), 80] });
            o.points = { show: false };
        } else {
            o.points = { show: true, size: 5 };
        }
        opts.series.push(o);
    });
    return new uPlot(opts, [xs, ...series.map((s) => s.values)], body);
}

function summary(parts) {
    return h('p', { class: 'dash-summary' }, parts.join(' · '));
}

const line = {
    load: overTime,
    draw(body, panel, d, ctx) {
        const labels = d.periods.map(periodLabel);
        const series = d.series.map((s) => ({ label: tr(s.ind, 'name'), values: s.values }));
        if ((panel.options || {}).compare === 'target') {
            d.series.forEach((s, k) => {
                if (s.ind.target === '' || s.ind.target === undefined) return;
                series.push({
                    label: t('dash.target_of', { name: tr(s.ind, 'name') }),
                    values: d.periods.map(() => Number(s.ind.target)),
                    color: COLORS[k % COLORS.length],
                    dash: [6, 4],
                });
            });
        }
        const c = chart(body, panel, labels, series, { wall: ctx.wall });
        body.append(summary(d.series.map((s) => latestText(s, d.periods, panel))));
        return c;
    },
};

function latestText(s, periods, panel) {
    for (let i = s.values.length - 1; i >= 0; i--) {
        if (s.values[i] !== null)
            return `${tr(s.ind, 'name')}: ${fmt(s.values[i], panel)} ${s.ind.unit || ''} (${periodLabel(periods[i])})`;
    }
    return `${tr(s.ind, 'name')}: ${t('dash.no_value')}`;
}

const bar = {
    async load(panel, ctx) {
        if ((panel.options || {}).by === 'commune') {
            const one = { ...panel, indicator: codes(panel)[0] };
            return PANELS.table.load(one, ctx).then((d) => d && { ...d, byCommune: true });
        }
        return overTime(panel, ctx);
    },
    draw(body, panel, d, ctx) {
        if (d.byCommune) {
            const o = panel.options || {};
            const sign = o.order === 'asc' ? 1 : -1;
            const rows = d.rows
                .filter((r) => typeof r.value === 'number')
                .sort((a, b) => sign * (a.value - b.value))
                .slice(0, o.limit || 15);
            const c = chart(
                body,
                panel,
                rows.map((r) => r.name),
                [{ label: tr(d.ind, 'name'), values: rows.map((r) => r.value) }],
                {
                    bars: true,
                    rotate: true,
                    wall: ctx.wall,
                },
            );
            body.append(summary([periodLabel(d.period), d.ind.unit || ''].filter(Boolean)));
            return c;
        }
        const c = chart(
            body,
            panel,
            d.periods.map(periodLabel),
            d.series.map((s) => ({ label: tr(s.ind, 'name'), values: s.values })),
            { bars: true, wall: ctx.wall },
        );
        body.append(summary(d.series.map((s) => latestText(s, d.periods, panel))));
        return c;
    },
};

export const CHARTS = { line, bar };
