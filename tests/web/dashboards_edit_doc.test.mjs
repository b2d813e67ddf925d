// dashboards_edit_doc.test.mjs — web/src/js/dashboards_edit_doc.js in node (it has no DOM): what
// the editor saves is exactly the documented format, and the grid rules it applies.
// Run: node --test tests/web/dashboards_edit_doc.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canPlace, cleanDoc, freePlace, newPanel, setCodes, splitField } from '../../web/src/js/dashboards_edit_doc.js';

const base = () => ({
    version: 1,
    id: 'd',
    title_vi: '  Tiêu đề  ',
    revision: 7,
    updated_at: '2026-01-01T00:00:00Z',
    updated_by: 'admin',
    domain: '',
    grid: { columns: 12 },
    panels: [],
});

describe('dashboards_edit_doc', () => {
    it('cleanDoc keeps only documented members, in canonical order', () => {
        const d = base();
        d.extra = 1;
        d.title_en = '';
        d.panels.push({
            options: { decimals: 2, limit: 5, lights: false, compare: '' },
            period: '',
            unit: '$unit',
            indicator: 'A.B',
            h: 2,
            w: 3,
            y: 0,
            x: 0,
            title_vi: ' Ô ',
            title_en: '',
            type: 'number',
            id: 'p',
            text_vi: 'not for a number',
            junk: true,
        });
        const out = cleanDoc(d);
        assert.deepEqual(Object.keys(out), ['version', 'id', 'title_vi', 'domain', 'grid', 'panels']);
        assert.equal(out.title_vi, 'Tiêu đề');
        assert.equal(out.domain, null);
        assert.deepEqual(out.panels[0], {
            id: 'p',
            type: 'number',
            title_vi: 'Ô',
            x: 0,
            y: 0,
            w: 3,
            h: 2,
            indicator: 'A.B',
            unit: '$unit',
            options: { lights: false, decimals: 2 },
        });
        assert.deepEqual(Object.keys(out.panels[0].options), ['lights', 'decimals']);
    });

    it('a text panel has its texts and no indicator, unit, period or options', () => {
        const d = base();
        d.panels.push({
            id: 't',
            type: 'text',
            x: 0,
            y: 0,
            w: 2,
            h: 1,
            indicator: 'A.B',
            unit: 'province',
            options: { decimals: 1 },
        });
        assert.deepEqual(cleanDoc(d).panels[0], { id: 't', type: 'text', x: 0, y: 0, w: 2, h: 1, text_vi: '' });
    });

    it('indicator for one code, indicators for several (line and bar only)', () => {
        const p = { type: 'line' };
        setCodes(p, ['A', 'B', 'A']);
        assert.deepEqual(p, { type: 'line', indicators: ['A', 'B'] });
        setCodes(p, ['B']);
        assert.deepEqual(p, { type: 'line', indicator: 'B' });
        const n = { type: 'number' };
        setCodes(n, ['A', 'B']);
        assert.deepEqual(n, { type: 'number', indicator: 'A' });
    });

    it('places: on the grid, not over another panel; a new panel goes to the first free place', () => {
        const d = base();
        d.panels.push({ id: 'a', type: 'number', x: 0, y: 0, w: 3, h: 2 });
        assert.equal(canPlace(d, { x: 2, y: 1, w: 2, h: 2 }), false); // overlaps a
        assert.equal(canPlace(d, { x: 2, y: 1, w: 2, h: 2 }, 0), true); // a itself moving
        assert.equal(canPlace(d, { x: 3, y: 0, w: 9, h: 2 }), true); // touching is fine
        assert.equal(canPlace(d, { x: 4, y: 0, w: 9, h: 2 }), false); // past 12 columns
        assert.equal(canPlace(d, { x: 3, y: 95, w: 1, h: 2 }), false); // past 96 rows
        assert.equal(canPlace(d, { x: -1, y: 3, w: 1, h: 1 }), false);
        assert.deepEqual(freePlace(d, 3, 2), { x: 3, y: 0, w: 3, h: 2 });
        const p = newPanel(d, 'line');
        assert.deepEqual(p, { id: 'line-1', type: 'line', x: 3, y: 0, w: 6, h: 4, period: 'last12' });
    });

    it('splitField: where a 422 points', () => {
        assert.deepEqual(splitField('panels[3].options.limit'), { panel: 3, field: 'options.limit' });
        assert.deepEqual(splitField('panels[2].indicators[1]'), { panel: 2, field: 'indicator' });
        assert.deepEqual(splitField('panels[4]'), { panel: 4, field: 'place' });
        assert.deepEqual(splitField('panels[0].w'), { panel: 0, field: 'place' });
        assert.deepEqual(splitField('title_vi'), { panel: -1, field: 'title_vi' });
    });
});
