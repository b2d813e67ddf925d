// dashboards_edit_doc.js — the dashboard document as the editor changes it (docs/dashboards.md),
// with no DOM: the panel types and their options, the grid's geometry (fits, overlaps, a free
// place for a new panel) and clean(), which turns the editor's working copy into exactly the
// documented format — only documented members, in canonical order, empty optional texts and
// options left out, `indicator` for one code and `indicators` for several (line and bar only).
// The server checks every document again and is the authority; these rules only keep the
// editor from proposing a place the server would refuse.

export const TYPES = ['number', 'line', 'bar', 'choropleth', 'table', 'gauge', 'text'];
export const MULTI = new Set(['line', 'bar']); // types that may show several indicators
export const MAX_CODES = 8;
export const MAX_PANELS = 48;
export const MAX_ROWS = 96;

const DECIMALS = { kind: 'int', min: 0, max: 6 };
const LIMIT = { kind: 'int', min: 1, max: 200 };
const ORDER = { kind: 'enum', values: ['desc', 'asc'] };

/** The options of each type, in canonical order: {name: {kind: bool|int|number|enum, …}}. */
export const OPTIONS = {
    number: {
        lights: { kind: 'bool' },
        show_target: { kind: 'bool' },
        compare: { kind: 'enum', values: ['none', 'previous_period', 'previous_year'] },
        decimals: DECIMALS,
    },
    gauge: { min: { kind: 'number' }, max: { kind: 'number' }, lights: { kind: 'bool' }, decimals: DECIMALS },
    line: { compare: { kind: 'enum', values: ['none', 'target', 'previous_year'] }, decimals: DECIMALS },
    bar: { by: { kind: 'enum', values: ['commune', 'period'] }, limit: LIMIT, order: ORDER, decimals: DECIMALS },
    choropleth: { scheme: { kind: 'enum', values: ['sequential', 'diverging', 'lights'] }, decimals: DECIMALS },
    table: { limit: LIMIT, order: ORDER, decimals: DECIMALS },
    text: {},
};

/** The indicator codes of a panel, whichever member holds them. */
export function codesOf(p) {
    if (Array.isArray(p.indicators)) return p.indicators.slice();
    return p.indicator ? [p.indicator] : [];
}

/** Set the codes of a panel (at most one unless its type shows several). */
export function setCodes(p, codes) {
    const list = [...new Set(codes)].slice(0, MULTI.has(p.type) ? MAX_CODES : 1);
    delete p.indicators;
    delete p.indicator;
    if (list.length > 1) p.indicators = list;
    else if (list.length === 1) p.indicator = list[0];
}

export function columnsOf(doc) {
    return (doc.grid && doc.grid.columns) || 12;
}

export function overlaps(a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** True when g ({x, y, w, h}) is on the grid and overlaps no panel but the one at index skip. */
export function canPlace(doc, g, skip = -1) {
    const cols = columnsOf(doc);
    if (!(g.w >= 1 && g.h >= 1 && g.x >= 0 && g.y >= 0 && g.x + g.w <= cols && g.y + g.h <= MAX_ROWS)) return false;
    return doc.panels.every((p, i) => i === skip || !overlaps(p, g));
}

/** The first free place for a w × h panel, reading the grid row by row (null when full). */
export function freePlace(doc, w, h) {
    const cols = columnsOf(doc);
    w = Math.min(w, cols);
    for (let y = 0; y + h <= MAX_ROWS; y++)
        for (let x = 0; x + w <= cols; x++) if (canPlace(doc, { x, y, w, h })) return { x, y, w, h };
    return null;
}

/** An id not used by another panel: base-1, base-2, … */
export function newPanelId(doc, base) {
    const used = new Set(doc.panels.map((p) => p.id));
    for (let n = 1; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** The rows the panels take (the bottom edge of the lowest). */
export function rowsUsed(doc) {
    return doc.panels.reduce((m, p) => Math.max(m, p.y + p.h), 0);
}

function text(v) {
    return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** A panel in the documented format (canonical order, nothing undocumented). */
export function cleanPanel(p) {
    const out = { id: p.id, type: p.type };
    if (text(p.title_vi)) out.title_vi = p.title_vi.trim();
    if (text(p.title_en)) out.title_en = p.title_en.trim();
    Object.assign(out, { x: p.x, y: p.y, w: p.w, h: p.h });
    if (p.type === 'text') {
        out.text_vi = typeof p.text_vi === 'string' ? p.text_vi : '';
        if (text(p.text_en)) out.text_en = p.text_en;
        return out;
    }
    const codes = codesOf(p);
    if (codes.length > 1 && MULTI.has(p.type)) out.indicators = codes;
    else if (codes.length) out.indicator = codes[0];
    if (text(p.unit)) out.unit = p.unit.trim();
    if (text(p.period)) out.period = p.period.trim();
    const spec = OPTIONS[p.type] || {};
    const given = p.options || {};
    const options = {};
    for (const name of Object.keys(spec))
        if (given[name] !== undefined && given[name] !== '') options[name] = given[name];
    if (Object.keys(options).length) out.options = options;
    return out;
}

/** The document in the documented format: what the editor PUTs. */
export function cleanDoc(d) {
    const out = { version: 1, id: d.id, title_vi: (d.title_vi || '').trim() };
    if (text(d.title_en)) out.title_en = d.title_en.trim();
    if (text(d.description_vi)) out.description_vi = d.description_vi;
    if (text(d.description_en)) out.description_en = d.description_en;
    out.domain = d.domain || null;
    if (Array.isArray(d.tags) && d.tags.length) out.tags = d.tags.slice();
    out.grid = { columns: columnsOf(d) };
    out.panels = d.panels.map(cleanPanel);
    return out;
}

/** A new panel of a type at a free place (null when the grid is full or has 48 panels). */
export function newPanel(doc, type) {
    if (doc.panels.length >= MAX_PANELS) return null;
    const size = type === 'number' || type === 'gauge' ? [3, 2] : type === 'text' ? [4, 2] : [6, 4];
    const at = freePlace(doc, size[0], size[1]);
    if (!at) return null;
    const p = { id: newPanelId(doc, type), type, ...at };
    if (type === 'text') p.text_vi = '';
    if (type === 'line') p.period = 'last12'; // a chart over time needs a range
    return p;
}

/** Where a 422's field ("panels[3].options.limit") points: {panel: 3 | -1, field: "options.limit"}. */
export function splitField(path) {
    const m = /^panels\[(\d+)\](?:\.(.*))?$/.exec(path || '');
    if (!m) return { panel: -1, field: path || '' };
    let field = m[2] || 'place';
    if (/^(x|y|w|h)$/.test(field)) field = 'place';
    if (/^indicators?(\[\d+\])?$/.test(field)) field = 'indicator';
    return { panel: Number(m[1]), field };
}
