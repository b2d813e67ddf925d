#!/usr/bin/env node
// gen-dashboards — writes the demo dashboards of issue 17, data/dashboards/dashboards.jsonl (one
// dashboard document a line, docs/dashboards.md), from the demo indicator catalogue
// (data/indicators/domains.csv, catalogue.csv). SYNTHETIC demo data: the layouts are invented,
// the indicators they show are the catalogue's (itself synthetic).
// Deterministic: the same catalogue always gives the same bytes (no clock, no randomness).
//
//   node scripts/gen-dashboards.mjs           write the file
//   node scripts/gen-dashboards.mjs --check   exit 1 if the file on disk differs from the output
//
// What it writes: one province overview ("Tổng quan tỉnh": a number with its traffic light for
// one indicator of each domain, a map and a ranked table); per domain an overview and topic
// dashboards, each showing a chunk of TOPIC_SIZE of the domain's indicators in about 12 panels
// (numbers with lights, a line over 36 months, bars by commune and over time, a choropleth of
// the communes, a ranked table, a gauge). The lines are in the canonical form iocd stores
// (members in the documented order, compact), so `iocctl dashboards export` after importing
// the file gives the same bytes back.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IND = path.join(ROOT, 'data/indicators');
const OUT = path.join(ROOT, 'data/dashboards/dashboards.jsonl');
const TOPIC_SIZE = 8;
const TITLE_MAX = 200; // bytes, docs/dashboards.md

// RFC 4180 (the catalogue's own form: LF line ends, quotes doubled).
function parseCsv(text) {
    const rows = [];
    let row = [], field = '', quoted = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (quoted) {
            if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
            else if (ch === '"') quoted = false;
            else field += ch;
        } else if (ch === '"') quoted = true;
        else if (ch === ',') { row.push(field); field = ''; }
        else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
        else if (ch !== '\r') field += ch;
    }
    if (field !== '' || row.length) { row.push(field); rows.push(row); }
    const [header, ...data] = rows;
    return data.map((r) => Object.fromEntries(header.map((h, i) => [h, (r[i] ?? '').normalize('NFC')])));
}

// A title cut to TITLE_MAX bytes at a character boundary, with an ellipsis when cut.
function title(s) {
    if (Buffer.byteLength(s) <= TITLE_MAX) return s;
    let out = '';
    for (const ch of s) {
        if (Buffer.byteLength(out + ch + '…') > TITLE_MAX) break;
        out += ch;
    }
    return out.trimEnd() + '…';
}

// A panel in the canonical member order; undefined members are left out.
function panel(p) {
    const order = ['id', 'type', 'title_vi', 'title_en', 'x', 'y', 'w', 'h', 'indicator', 'indicators',
        'unit', 'period', 'text_vi', 'text_en', 'options'];
    const out = {};
    for (const k of order) if (p[k] !== undefined && p[k] !== '') out[k] = p[k];
    return out;
}

// Options in the canonical order of their type (src/dashboards/panels.c).
const OPTION_ORDER = {
    number: ['lights', 'show_target', 'compare', 'decimals'],
    gauge: ['min', 'max', 'lights', 'decimals'],
    line: ['compare', 'decimals'],
    bar: ['by', 'limit', 'order', 'decimals'],
    choropleth: ['scheme', 'decimals'],
    table: ['limit', 'order', 'decimals'],
    text: [],
};
function options(type, o) {
    const out = {};
    for (const k of OPTION_ORDER[type]) if (o[k] !== undefined) out[k] = o[k];
    return out;
}

function dashboard(d) {
    const out = { version: 1, id: d.id, title_vi: title(d.title_vi) };
    if (d.title_en) out.title_en = title(d.title_en);
    if (d.description_vi) out.description_vi = d.description_vi;
    if (d.description_en) out.description_en = d.description_en;
    out.domain = d.domain;
    out.tags = d.tags;
    out.grid = { columns: 12 };
    out.panels = d.panels.map((p) => panel({ ...p, options: p.options && options(p.type, p.options) }));
    return out;
}

const DESCRIPTION_VI = 'Bảng điều khiển mẫu (dữ liệu tổng hợp), sinh bởi scripts/gen-dashboards.mjs.';
const DESCRIPTION_EN = 'A demo dashboard (synthetic data), written by scripts/gen-dashboards.mjs.';
const worse = (x) => (x.polarity === 'lower' ? 'desc' : 'asc');
const hasTarget = (x) => x.target !== '';

function number(id, x, at, w, h) {
    return { id, type: 'number', title_vi: title(x.name_vi), title_en: title(x.name_en), ...at, w, h,
        indicator: x.code, unit: '$unit', period: 'latest',
        options: { lights: true, show_target: hasTarget(x), compare: 'previous_period' } };
}

function gauge(id, x, at) {
    const pct = x.unit === '%';
    return { id, type: 'gauge', title_vi: title(x.name_vi), title_en: title(x.name_en), ...at, w: 4, h: 4,
        indicator: x.code, unit: '$unit', period: 'latest',
        options: pct ? { min: 0, max: 100, lights: true } : { lights: true } };
}

function communeViews(x, y, idp) {
    return [
        { id: `${idp}ban-do`, type: 'choropleth', title_vi: title(`${x.name_vi} theo xã, phường`),
            title_en: title(`${x.name_en} by commune`), x: 0, y, w: 6, h: 5, indicator: x.code,
            unit: 'province', period: 'latest', options: { scheme: 'lights' } },
        { id: `${idp}xep-hang`, type: 'table', title_vi: title(`Xếp hạng xã, phường: ${x.name_vi}`),
            title_en: title(`Communes ranked: ${x.name_en}`), x: 6, y, w: 6, h: 5, indicator: x.code,
            unit: 'province', period: 'latest', options: { limit: 10, order: worse(x) } },
    ];
}

// A topic dashboard: the indicators xs (1..TOPIC_SIZE) of domain d, part k of n.
function topic(d, xs, k, n) {
    const p = [];
    xs.slice(0, 4).forEach((x, i) => p.push(number(`so-${i + 1}`, x, { x: 3 * i, y: 0 }, 3, 2)));
    p.push({ id: 'xu-huong', type: 'line', title_vi: 'Diễn biến 36 tháng', title_en: 'The last 36 months',
        x: 0, y: 2, w: 8, h: 4, indicators: xs.slice(0, 3).map((x) => x.code), unit: '$unit',
        period: 'last36', options: { compare: 'target' } });
    p.push(gauge('dong-ho', xs.find(hasTarget) ?? xs[0], { x: 8, y: 2 }));
    p.push(...communeViews(xs[0], 6, ''));
    const second = xs[1] ?? xs[0];
    p.push({ id: 'cot-xa', type: 'bar', title_vi: title(`${second.name_vi} theo xã, phường`),
        title_en: title(`${second.name_en} by commune`), x: 0, y: 11, w: 6, h: 4, indicator: second.code,
        unit: 'province', period: 'latest', options: { by: 'commune', limit: 15, order: 'desc' } });
    p.push({ id: 'cot-ky', type: 'bar', title_vi: '12 tháng gần nhất', title_en: 'The last 12 months',
        x: 6, y: 11, w: 6, h: 4, indicators: xs.slice(0, 2).map((x) => x.code), unit: '$unit',
        period: 'last12', options: { by: 'period' } });
    xs.slice(4, 8).forEach((x, i) => p.push(number(`so-${i + 5}`, x, { x: 3 * i, y: 15 }, 3, 2)));
    return {
        id: `${d.code.toLowerCase()}-nhom-${k}`,
        title_vi: `${d.name_vi} – nhóm ${k}/${n}: ${xs[0].name_vi}`,
        title_en: `${d.name_en} – group ${k}/${n}: ${xs[0].name_en}`,
        description_vi: DESCRIPTION_VI, description_en: DESCRIPTION_EN,
        domain: d.code, tags: [d.code.toLowerCase(), 'chủ đề', 'dữ liệu mẫu'], panels: p,
    };
}

// A domain's overview: a text, up to 8 numbers (targets first), a line, the map and the ranking.
function overview(d, xs) {
    const picked = [...xs.filter(hasTarget), ...xs.filter((x) => !hasTarget(x))].slice(0, 8);
    const p = [{ id: 'gioi-thieu', type: 'text', title_vi: d.name_vi, title_en: d.name_en, x: 0, y: 0, w: 12, h: 1,
        text_vi: `${xs.length} chỉ tiêu của lĩnh vực ${d.name_vi} (dữ liệu mẫu).`,
        text_en: `${xs.length} indicators of ${d.name_en} (synthetic demo data).` }];
    picked.forEach((x, i) => p.push(number(`so-${i + 1}`, x, { x: 3 * (i % 4), y: 1 + 2 * Math.floor(i / 4) }, 3, 2)));
    const y = 1 + 2 * Math.ceil(picked.length / 4);
    p.push({ id: 'xu-huong', type: 'line', title_vi: 'Diễn biến 36 tháng', title_en: 'The last 36 months',
        x: 0, y, w: 12, h: 4, indicators: picked.slice(0, 3).map((x) => x.code), unit: '$unit',
        period: 'last36', options: { compare: 'none' } });
    p.push(...communeViews(picked[0], y + 4, ''));
    return {
        id: `${d.code.toLowerCase()}-tong-quan`, title_vi: `Tổng quan ${d.name_vi}`,
        title_en: `${d.name_en}: overview`, description_vi: DESCRIPTION_VI, description_en: DESCRIPTION_EN,
        domain: d.code, tags: [d.code.toLowerCase(), 'tổng quan', 'dữ liệu mẫu'], panels: p,
    };
}

// The province overview: one number per domain (its first indicator with a target), map, table.
function province(domains, byDomain) {
    const p = [];
    domains.forEach((d, i) => {
        const xs = byDomain.get(d.code);
        const x = xs.find(hasTarget) ?? xs[0];
        p.push({ ...number(`so-${d.code.toLowerCase()}`, x, { x: 3 * (i % 4), y: 2 * Math.floor(i / 4) }, 3, 2),
            title_vi: title(`${d.name_vi}: ${x.name_vi}`), title_en: title(`${d.name_en}: ${x.name_en}`) });
    });
    const y = 2 * Math.ceil(domains.length / 4);
    const first = byDomain.get(domains[0].code)[0];
    p.push(...communeViews(first, y, ''));
    return {
        id: 'tong-quan-tinh', title_vi: 'Tổng quan tỉnh', title_en: 'Province overview',
        description_vi: DESCRIPTION_VI, description_en: DESCRIPTION_EN, domain: null,
        tags: ['tổng quan', 'tỉnh', 'dữ liệu mẫu'], panels: p,
    };
}

function build() {
    const domains = parseCsv(fs.readFileSync(path.join(IND, 'domains.csv'), 'utf8'));
    const inds = parseCsv(fs.readFileSync(path.join(IND, 'catalogue.csv'), 'utf8'));
    const byDomain = new Map(domains.map((d) => [d.code, []]));
    for (const x of inds) byDomain.get(x.domain).push(x);
    const out = [province(domains, byDomain)];
    for (const d of domains) {
        const xs = byDomain.get(d.code);
        if (!xs.length) continue;
        out.push(overview(d, xs));
        const n = Math.ceil(xs.length / TOPIC_SIZE);
        for (let k = 0; k < n; k++) out.push(topic(d, xs.slice(k * TOPIC_SIZE, (k + 1) * TOPIC_SIZE), k + 1, n));
    }
    return out.map((d) => JSON.stringify(dashboard(d)) + '\n').join('');
}

const text = build();
if (process.argv.includes('--check')) {
    const now = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
    if (now !== text) {
        console.error(`gen-dashboards: ${path.relative(ROOT, OUT)} differs from the generator's output`);
        process.exit(1);
    }
} else {
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, text);
    console.log(`gen-dashboards: ${text.split('\n').length - 1} dashboards in ${path.relative(ROOT, OUT)}`);
}
