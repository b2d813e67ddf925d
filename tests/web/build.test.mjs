// build.test.mjs — what scripts/build-web.mjs writes: run into a temporary directory and checked
// file by file (no server, no browser needed).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ROOT } from './lib/iocd.mjs';

let out;
let html;

describe('web build', () => {
    before(() => {
        out = fs.mkdtempSync(path.join(os.tmpdir(), 'ioc-web-build-'));
        execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web.mjs'), '--out', out], { stdio: 'pipe' });
        html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    });

    after(() => fs.rmSync(out, { recursive: true, force: true }));

    it('references fingerprinted assets that exist', () => {
        const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
        assert.ok(
            refs.some((r) => /^\/assets\/console-[A-Z0-9]{8}\.js$/.test(r)),
            'script',
        );
        assert.ok(
            refs.some((r) => /^\/assets\/console-[A-Z0-9]{8}\.css$/.test(r)),
            'stylesheet',
        );
        for (const r of refs) assert.ok(fs.existsSync(path.join(out, r)), r);
        assert.doesNotMatch(html, /(src|href)="(js|css)\//, 'no source path left');
    });

    it('has no inline script or style and nothing from another origin', () => {
        assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'inline script');
        assert.doesNotMatch(html, /\sstyle=/, 'style attribute');
        assert.doesNotMatch(html, /<style/, 'style element');
        assert.doesNotMatch(html, /\s(src|href)="(https?:)?\/\//, 'other origin in the page');
        const css = fs.readdirSync(path.join(out, 'assets')).filter((n) => n.endsWith('.css'));
        for (const f of css) {
            assert.doesNotMatch(fs.readFileSync(path.join(out, 'assets', f), 'utf8'), /url\((["']?)(https?:)?\/\//, f);
        }
    });

    it('fills every text in Vietnamese', () => {
        assert.match(html, /<html lang="vi">/);
        const empty = [...html.matchAll(/<([a-z0-9]+)[^>]*\bdata-i18n="([^"]+)"[^>]*><\/\1>/g)].map((m) => m[2]);
        assert.deepEqual(empty, []);
        assert.match(
            html,
            /<title data-i18n="app.title">IOC Đồng Nai — Trung tâm giám sát, điều hành thông minh<\/title>/,
        );
        assert.match(html, /placeholder="Tìm phường, xã… \(vd\. bien hoa\)"/);
    });

    it('precompresses text files with identical content', () => {
        const files = fs.readdirSync(path.join(out, 'assets')).filter((n) => /\.(js|css)$/.test(n));
        for (const f of [...files.map((n) => path.join('assets', n)), 'index.html']) {
            const gz = path.join(out, `${f}.gz`);
            assert.ok(fs.existsSync(gz), `${f}.gz`);
            assert.deepEqual(gunzipSync(fs.readFileSync(gz)), fs.readFileSync(path.join(out, f)));
        }
    });

    it('lists third-party licences and has the icons', () => {
        const lic = fs.readFileSync(path.join(out, 'LICENSES.txt'), 'utf8');
        assert.match(lic, /leaflet 1\.9\.4 — BSD-2-Clause/);
        assert.match(lic, /Redistribution and use in source and binary forms/);
        const ico = fs.readFileSync(path.join(out, 'favicon.ico'));
        assert.deepEqual([...ico.subarray(0, 6)], [0, 0, 1, 0, 1, 0], 'ICO header, one image');
        assert.deepEqual([...ico.subarray(22, 26)], [0x89, 0x50, 0x4e, 0x47], 'PNG inside');
        assert.match(fs.readFileSync(path.join(out, 'favicon.svg'), 'utf8'), /^<svg /);
    });

    it('gives the same bytes for the same sources', () => {
        const again = fs.mkdtempSync(path.join(os.tmpdir(), 'ioc-web-build-'));
        try {
            execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web.mjs'), '--out', again], {
                stdio: 'pipe',
            });
            assert.deepEqual(fs.readdirSync(again).sort(), fs.readdirSync(out).sort());
            assert.equal(fs.readFileSync(path.join(again, 'index.html'), 'utf8'), html);
        } finally {
            fs.rmSync(again, { recursive: true, force: true });
        }
    });
});
