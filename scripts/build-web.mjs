#!/usr/bin/env node
// build-web.mjs — build the web pages of ioc from web/src into build/web (the web root iocd serves).
//
//   node scripts/build-web.mjs [--out DIR] [--sourcemap]      (npm run build)
//
// What it does, in order:
//   1. Reads every page web/src/*.html and collects the scripts (<script type="module" src="js/…">)
//      and stylesheets (<link rel="stylesheet" href="css/…">) it names; each is an entry point.
//   2. Bundles and minifies them with esbuild (imports from node_modules included, JSON catalogues
//      inlined, images referenced by CSS copied) into DIR/assets/NAME-HASH.ext; code shared by
//      several pages goes into DIR/assets/chunk-HASH.js. The hash is of the content, so iocd can
//      serve everything under /assets/ as immutable.
//   3. Writes each page with its references rewritten to /assets/… and its texts (data-i18n,
//      data-i18n-attr) filled in Vietnamese from web/src/i18n/vi.json, so the first paint is
//      complete without script. A key missing from a catalogue fails the build.
//   4. Copies web/src/public/* as is (favicon.svg, robots.txt), draws favicon.ico, writes
//      LICENSES.txt (the licence of every third-party package that went into a bundle) and a
//      precompressed NAME.gz next to each compressible file that gzip makes smaller.
// Invariants: DIR is emptied first, so it holds exactly this build; the same sources give the
// same bytes; no file references another origin.

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants as zc } from 'node:zlib';
import { faviconIco } from './web-favicon.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'web', 'src');
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt', '.ico', '.map', '.geojson']);
const TARGETS = ['chrome100', 'edge100', 'firefox100', 'safari15'];

function parseArgs(argv) {
    const opts = { out: path.join(ROOT, 'build', 'web'), sourcemap: false };
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--out') opts.out = path.resolve(argv[++i]);
        else if (argv[i] === '--sourcemap') opts.sourcemap = true;
        else throw new Error(`unknown argument ${argv[i]} (usage: build-web.mjs [--out DIR] [--sourcemap])`);
    }
    return opts;
}

function readJson(file) {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function escapeHtml(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// Every catalogue must have exactly the keys of vi.json.
function loadCatalogues() {
    const dir = path.join(SRC, 'i18n');
    const vi = readJson(path.join(dir, 'vi.json'));
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
        const cat = readJson(path.join(dir, f));
        const missing = Object.keys(vi).filter((k) => !(k in cat));
        const extra = Object.keys(cat).filter((k) => !(k in vi));
        if (missing.length || extra.length) {
            throw new Error(`i18n/${f}: missing [${missing.join(', ')}], not in vi.json [${extra.join(', ')}]`);
        }
    }
    return vi;
}

const REF_RE = /<(script|link)\b[^>]*?\b(src|href)="([^"]+)"[^>]*>/g;

// The local script and stylesheet references of a page: [{tag, url}].
function pageRefs(html) {
    const refs = [];
    for (const m of html.matchAll(REF_RE)) {
        const [tag, , url] = [m[1], m[2], m[3]];
        const isModule = tag === 'script' && /\btype="module"/.test(m[0]);
        const isStyle = tag === 'link' && /\brel="stylesheet"/.test(m[0]);
        if ((isModule || isStyle) && !/^(\/|[a-z]+:)/i.test(url)) refs.push(url);
    }
    return refs;
}

// Fill data-i18n (text of an empty element) and data-i18n-attr ("attr:key,…") from the catalogue.
function fillTexts(html, cat, page) {
    const need = (key) => {
        if (!(key in cat)) throw new Error(`${page}: message key "${key}" is not in vi.json`);
        return escapeHtml(cat[key]);
    };
    html = html.replace(
        /<([a-zA-Z][\w-]*)(\s[^>]*?\bdata-i18n="([^"]+)"[^>]*)><\/\1>/g,
        (m, tag, attrs, key) => `<${tag}${attrs}>${need(key)}</${tag}>`,
    );
    return html.replace(
        /<([a-zA-Z][\w-]*)(\s[^>]*?\bdata-i18n-attr="([^"]+)"[^>]*?)(\/?)>/g,
        (m, tag, attrs, spec, slash) => {
            for (const pair of spec.split(',')) {
                const [attr, key] = pair.split(':').map((s) => s.trim());
                const value = need(key);
                const re = new RegExp(`\\s${attr}="[^"]*"`);
                attrs = re.test(attrs) ? attrs.replace(re, ` ${attr}="${value}"`) : `${attrs} ${attr}="${value}"`;
            }
            return `<${tag}${attrs}${slash}>`;
        },
    );
}

function walk(dir) {
    const out = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...walk(p));
        else out.push(p);
    }
    return out.sort();
}

// Third-party packages whose files went into the bundles, with their licence texts.
function licences(metafile) {
    const pkgs = new Map();
    for (const input of Object.keys(metafile.inputs)) {
        const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
        if (m && !pkgs.has(m[1])) pkgs.set(m[1], path.join(ROOT, 'node_modules', m[1]));
    }
    const parts = [
        'Third-party software in this web root (bundled into /assets/*), with its licence.',
        'ioc itself: see the LICENSE file of the ioc repository.',
        '',
    ];
    for (const [name, dir] of [...pkgs].sort()) {
        const pj = readJson(path.join(dir, 'package.json'));
        const file = fs.readdirSync(dir).find((n) => /^(licen[cs]e|copying)(\.|$)/i.test(n));
        parts.push('='.repeat(78), `${name} ${pj.version} — ${pj.license || 'see below'}`);
        if (pj.homepage || pj.repository) parts.push(pj.homepage || pj.repository.url || pj.repository);
        parts.push(
            '',
            file ? fs.readFileSync(path.join(dir, file), 'utf8').trim() : '(no licence file in the package)',
            '',
        );
    }
    return parts.join('\n') + '\n';
}

function gzipAll(out) {
    const rows = [];
    for (const file of walk(out)) {
        const size = fs.statSync(file).size;
        let gz = null;
        if (COMPRESSIBLE.has(path.extname(file))) {
            const data = gzipSync(fs.readFileSync(file), { level: zc.Z_BEST_COMPRESSION });
            if (data.length < size * 0.9) {
                fs.writeFileSync(`${file}.gz`, data);
                gz = data.length;
            }
        }
        rows.push([path.relative(out, file), size, gz]);
    }
    return rows;
}

async function main() {
    const opts = parseArgs(process.argv.slice(2));
    const cat = loadCatalogues();
    const pages = fs
        .readdirSync(SRC)
        .filter((n) => n.endsWith('.html'))
        .sort();
    const entries = new Set();
    const htmls = new Map();
    for (const page of pages) {
        const html = fs.readFileSync(path.join(SRC, page), 'utf8');
        htmls.set(page, html);
        for (const ref of pageRefs(html)) entries.add(path.join(SRC, ref));
    }

    fs.rmSync(opts.out, { recursive: true, force: true });
    fs.mkdirSync(opts.out, { recursive: true });
    const result = await build({
        absWorkingDir: ROOT,
        entryPoints: [...entries],
        outbase: SRC,
        outdir: opts.out,
        entryNames: 'assets/[name]-[hash]',
        chunkNames: 'assets/chunk-[hash]',
        assetNames: 'assets/[name]-[hash]',
        bundle: true,
        splitting: true,
        format: 'esm',
        minify: true,
        target: TARGETS,
        charset: 'utf8',
        legalComments: 'eof',
        sourcemap: opts.sourcemap ? 'linked' : false,
        loader: { '.png': 'file', '.svg': 'file', '.woff2': 'file' },
        metafile: true,
        logLevel: 'warning',
    });

    const outputOf = new Map();
    for (const [file, info] of Object.entries(result.metafile.outputs)) {
        if (info.entryPoint)
            outputOf.set(path.resolve(ROOT, info.entryPoint), '/' + path.relative(opts.out, path.resolve(ROOT, file)));
    }
    for (const [page, source] of htmls) {
        let html = source.replace(REF_RE, (tagText, tag, attr, url) => {
            const built = outputOf.get(path.join(SRC, url));
            return built ? tagText.replace(`${attr}="${url}"`, `${attr}="${built}"`) : tagText;
        });
        html = fillTexts(html, cat, page);
        fs.writeFileSync(path.join(opts.out, page), html);
        // a page other than the console is also NAME/index.html, so that /NAME (iocd's file
        // handler redirects it to /NAME/) serves it: /citizen
        if (page !== 'index.html') {
            const dir = path.join(opts.out, page.replace(/\.html$/, ''));
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(path.join(dir, 'index.html'), html);
        }
    }

    const pub = path.join(SRC, 'public');
    if (fs.existsSync(pub)) fs.cpSync(pub, opts.out, { recursive: true });
    fs.writeFileSync(path.join(opts.out, 'favicon.ico'), faviconIco());
    fs.writeFileSync(path.join(opts.out, 'LICENSES.txt'), licences(result.metafile));

    const rows = gzipAll(opts.out);
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`${'file'.padEnd(w)}  ${'bytes'.padStart(8)}  ${'gzip'.padStart(8)}`);
    for (const [name, size, gz] of rows)
        console.log(`${name.padEnd(w)}  ${String(size).padStart(8)}  ${String(gz ?? '-').padStart(8)}`);
    const digest = createHash('sha256');
    for (const [name] of rows) digest.update(name).update(fs.readFileSync(path.join(opts.out, name)));
    console.log(
        `build-web: ${pages.length} page(s), ${rows.length} files in ${path.relative(ROOT, opts.out) || '.'} (sha256 ${digest.digest('hex').slice(0, 12)})`,
    );
}

main().catch((err) => {
    console.error(`build-web: ${err.message}`);
    process.exit(1);
});
