#!/usr/bin/env node
// checksrc — the written layout rules of ioc, checked (after curl's checksrc).
//
//   scripts/checksrc.mjs [--root DIR] [--allow FILE]   check DIR/src (default: the repository)
//   scripts/checksrc.mjs --self-test                   run the fixtures under tests/checksrc/
//
// Prints one line per violation, "path:line: rule: message", and exits 1 if any is not in the
// allowlist (default scripts/checksrc.allow) or if an allowlist entry matches nothing (a stale
// entry must be deleted, so the list only shrinks). tests/run.sh runs both modes as one step.
//
// The rules, over every .c and .h file under src/ (comments and the insides of string and
// character literals are blanked before code is matched, so prose may name anything):
//   sqlite       #include <sqlite3.h> or <libpq-fe.h>, or an identifier sqlite3 / sqlite3_* /
//                PQ*( outside src/store/ — SQL lives in the store.
//   h2o          #include "h2o…" / <h2o…>, or an identifier h2o_* / H2O_* outside src/net/ —
//                the HTTP library stays behind net.h.
//   http-status  outside src/api/: a literal 100–599 as the status argument (the second) of
//                net_res_send*(); outside src/api/ and src/net/: a literal 100–599 assigned to or
//                compared with a name ending in "status" — statuses are chosen only in api/.
//   int-header   #include "M/X_int.h" from a file not under src/M/ — internal headers stay
//                inside their module.
//   file-length  a file of more than 800 lines.
//   function-length  a top-level function whose body, from the line of its opening brace to the
//                line of its closing brace (both counted), spans more than 80 lines.
//
// Allowlist lines: "rule path [name]  # why". name is the function for function-length; without
// a name the entry covers every violation of that rule in that file. '#' starts a comment.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAX_FILE_LINES = 800;
const MAX_FUNCTION_LINES = 80;

// Every .c/.h file under dir, as paths relative to root with '/' separators, sorted.
function sources(root, dir = 'src') {
    const out = [];
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) return out;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
        const rel = `${dir}/${e.name}`;
        if (e.isDirectory()) out.push(...sources(root, rel));
        else if (/\.[ch]$/.test(e.name)) out.push(rel);
    }
    return out.sort();
}

// The text with comments blanked and string/char literal contents blanked (quotes kept), line
// breaks kept so line numbers stay true. Preprocessor lines are kept as code.
function strip(text) {
    let out = '';
    let i = 0;
    const n = text.length;
    while (i < n) {
        const c = text[i];
        const d = text[i + 1];
        if (c === '/' && d === '*') {
            const end = text.indexOf('*/', i + 2);
            const stop = end < 0 ? n : end + 2;
            out += text.slice(i, stop).replace(/[^\n]/g, ' ');
            i = stop;
        } else if (c === '/' && d === '/') {
            let stop = text.indexOf('\n', i);
            if (stop < 0) stop = n;
            out += ' '.repeat(stop - i);
            i = stop;
        } else if (c === '"' || c === "'") {
            out += c;
            i++;
            while (i < n && text[i] !== c && text[i] !== '\n') {
                if (text[i] === '\\' && i + 1 < n) {
                    out += text[i + 1] === '\n' ? ' \n' : '  ';
                    i += 2;
                } else {
                    out += ' ';
                    i++;
                }
            }
            if (i < n && text[i] === c) {
                out += c;
                i++;
            }
        } else {
            out += c;
            i++;
        }
    }
    return out;
}

function moduleOf(file) {
    const m = file.match(/^src\/([^/]+)\//);
    return m ? m[1] : '';
}

const STATUS_LITERAL = /^(?:[1-5]\d\d)$/;

// The argument list of a call whose '(' is at code[open]: the top-level arguments as strings.
function callArgs(code, open) {
    const args = [];
    let depth = 0;
    let cur = '';
    for (let i = open + 1; i < code.length; i++) {
        const ch = code[i];
        if (ch === '(' || ch === '[' || ch === '{') depth++;
        if (ch === ')' || ch === ']' || ch === '}') {
            if (depth === 0) {
                args.push(cur.trim());
                return args;
            }
            depth--;
        }
        if (ch === ',' && depth === 0) {
            args.push(cur.trim());
            cur = '';
        } else cur += ch;
    }
    return args;
}

function lineAt(code, index) {
    let line = 1;
    for (let i = code.indexOf('\n'); i >= 0 && i < index; i = code.indexOf('\n', i + 1)) line++;
    return line;
}

// The top-level functions of code: {name, open, close} (1-based lines of the braces).
function functions(code) {
    const found = [];
    const lines = code.split('\n');
    let depth = 0;
    let head = ''; // text since the last top-level ';', '}' or preprocessor line
    let open = null;
    let name = '';
    let continued = false;
    for (let ln = 0; ln < lines.length; ln++) {
        const line = lines[ln];
        const pre = continued || /^\s*#/.test(line);
        continued = pre && /\\\s*$/.test(line);
        if (pre) {
            if (depth === 0) head = '';
            continue;
        }
        for (const ch of line) {
            if (ch === '{') {
                if (depth === 0) {
                    const isFunction = /\)\s*$/.test(head) && !/=\s*$/.test(head);
                    const m = head.match(/([A-Za-z_]\w*)\s*\(/);
                    open = isFunction && m ? ln + 1 : null;
                    name = m ? m[1] : '';
                }
                depth++;
            } else if (ch === '}') {
                depth = Math.max(0, depth - 1);
                if (depth === 0) {
                    if (open !== null) found.push({ name, open, close: ln + 1 });
                    open = null;
                    head = '';
                }
            } else if (depth === 0) {
                head = ch === ';' ? '' : head + ch;
            }
        }
        if (depth === 0) head += '\n';
    }
    return found;
}

// The violations of one file: {file, line, rule, name, message}.
function checkFile(root, file) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const code = strip(text);
    const mod = moduleOf(file);
    const out = [];
    const add = (line, rule, message, name = '') => out.push({ file, line, rule, name, message });
    const rawLines = text.split('\n');
    const nLines = text.endsWith('\n') ? rawLines.length - 1 : rawLines.length;
    if (nLines > MAX_FILE_LINES) add(MAX_FILE_LINES + 1, 'file-length', `${nLines} lines (at most ${MAX_FILE_LINES})`);
    const codeLines = code.split('\n');
    rawLines.forEach((raw, i) => {
        const inc = /^\s*#\s*include\s*([<"])([^>"]+)[>"]/.exec(raw);
        if (!inc) return;
        const target = inc[2];
        const base = path.posix.basename(target);
        if (mod !== 'store' && (base === 'sqlite3.h' || base === 'libpq-fe.h'))
            add(i + 1, 'sqlite', `#include of ${target} outside src/store/`);
        if (mod !== 'net' && /^h2o/.test(target)) add(i + 1, 'h2o', `#include of ${target} outside src/net/`);
        const owner = target.includes('/') ? target.split('/')[0] : mod;
        if (/_int\.h$/.test(base) && owner !== mod)
            add(i + 1, 'int-header', `#include of ${target}, internal to src/${owner}/`);
    });
    codeLines.forEach((line, i) => {
        if (/^\s*#\s*include/.test(line)) return;
        if (mod !== 'store') {
            const m = /\b(sqlite3\w*|PQ\w*(?=\s*\())/.exec(line);
            if (m) add(i + 1, 'sqlite', `${m[1]} outside src/store/`);
        }
        if (mod !== 'net') {
            const m = /\b((?:h2o|H2O)_\w*)/.exec(line);
            if (m) add(i + 1, 'h2o', `${m[1]} outside src/net/`);
        }
        if (mod !== 'api' && mod !== 'net') {
            const m = /\b\w*status\s*(?:==|!=|<=|>=|=|<|>)\s*([1-5]\d\d)\b/i.exec(line);
            const r = /\b([1-5]\d\d)\s*(?:==|!=|<=|>=|<|>)\s*\w*status\b/i.exec(line);
            if (m || r) add(i + 1, 'http-status', `HTTP status ${(m || r)[1]} outside src/api/`);
        }
    });
    if (mod !== 'api') {
        for (const m of code.matchAll(/\bnet_res_send\w*\s*\(/g)) {
            const args = callArgs(code, m.index + m[0].length - 1);
            if (args.length > 1 && STATUS_LITERAL.test(args[1]))
                add(lineAt(code, m.index), 'http-status', `net_res_send with status ${args[1]} outside src/api/`);
        }
    }
    for (const f of functions(code)) {
        const len = f.close - f.open + 1;
        if (len > MAX_FUNCTION_LINES)
            add(f.open, 'function-length', `${f.name}() spans ${len} lines (at most ${MAX_FUNCTION_LINES})`, f.name);
    }
    return out.sort((a, b) => a.line - b.line);
}

function readAllow(file) {
    if (!file || !fs.existsSync(file)) return [];
    return fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .map((l, i) => ({ text: l.replace(/#.*/, '').trim(), line: i + 1 }))
        .filter((e) => e.text)
        .map((e) => {
            const [rule, file2, name = ''] = e.text.split(/\s+/);
            return { rule, file: file2, name, line: e.line, used: false };
        });
}

// Checks root; returns the lines to print and whether the check passed.
function check(root, allowFile) {
    const allow = readAllow(allowFile);
    const lines = [];
    for (const file of sources(root)) {
        for (const v of checkFile(root, file)) {
            const hit = allow.find((a) => a.rule === v.rule && a.file === v.file && (!a.name || a.name === v.name));
            if (hit) hit.used = true;
            else lines.push(`${v.file}:${v.line}: ${v.rule}: ${v.message}`);
        }
    }
    for (const a of allow.filter((e) => !e.used))
        lines.push(
            `${path.relative(REPO, allowFile)}:${a.line}: stale-allow: "${a.rule} ${a.file}${a.name ? ' ' + a.name : ''}" ` +
                'matches nothing: delete the line',
        );
    return { lines, ok: lines.length === 0 };
}

// Each tests/checksrc/<case>/ holds a src/ tree, an optional checksrc.allow and expected.txt (the
// exact output, after "# " comment lines are dropped). Returns the number of failed cases.
function selfTest() {
    const dir = path.join(REPO, 'tests', 'checksrc');
    let failed = 0;
    for (const name of fs.readdirSync(dir).sort()) {
        const root = path.join(dir, name);
        if (!fs.statSync(root).isDirectory()) continue;
        const want = fs
            .readFileSync(path.join(root, 'expected.txt'), 'utf8')
            .split('\n')
            .filter((l) => l && !l.startsWith('# '));
        const { lines, ok } = check(root, path.join(root, 'checksrc.allow'));
        const same = lines.length === want.length && lines.every((l, i) => l === want[i]);
        if (same && ok === (want.length === 0)) {
            console.log(`ok   checksrc self-test ${name} (${want.length} findings)`);
        } else {
            failed++;
            console.log(
                `FAIL checksrc self-test ${name}\n  want:\n    ${want.join('\n    ')}\n  got:\n    ${lines.join('\n    ')}`,
            );
        }
    }
    return failed;
}

function main(argv) {
    if (argv[0] === '--self-test') return selfTest() === 0 ? 0 : 1;
    let root = REPO;
    let allow = path.join(REPO, 'scripts', 'checksrc.allow');
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--root') root = path.resolve(argv[++i]);
        else if (argv[i] === '--allow') allow = path.resolve(argv[++i]);
        else {
            console.error('usage: checksrc.mjs [--root DIR] [--allow FILE] | --self-test');
            return 2;
        }
    }
    const { lines, ok } = check(root, allow);
    for (const l of lines) console.log(l);
    return ok ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
