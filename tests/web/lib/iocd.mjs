// iocd.mjs — start a real `iocd --demo` on 127.0.0.1:0 for the browser tests and the bench.
//
// The daemon gets a fresh temporary data directory and fixed demo passwords (IOC_DEMO_PASSWORD_*),
// prints "listening on http://127.0.0.1:PORT" on stdout, and is stopped (SIGTERM, then SIGKILL)
// by stop(), which also removes the data directory. IOCD overrides the binary (default build/iocd),
// IOC_WEB_ROOT the web root (default build/web).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const PASSWORDS = {
    admin: 'web-test-admin-Pw1!',
    leader: 'web-test-leader-Pw1!',
    operator: 'web-test-operator-Pw1!',
    staff: 'web-test-staff-Pw1!',
};

/** Check that the build exists; throws with the command to run if not. */
export function requireBuild() {
    const bin = process.env.IOCD || path.join(ROOT, 'build', 'iocd');
    const web = process.env.IOC_WEB_ROOT || path.join(ROOT, 'build', 'web');
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run make first`);
    if (!fs.existsSync(path.join(web, 'index.html')))
        throw new Error(`${web}/index.html is missing: run npm run build first`);
    return { bin, web };
}

/**
 * Start iocd; resolves to {base, stop(), output()} once it listens (rejects after timeoutMs).
 * env: extra environment (settings such as IOC_AUTH_SESSION_IDLE_S).
 */
export async function startIocd({ timeoutMs = 30000, env: extra = {} } = {}) {
    const { bin, web } = requireBuild();
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'ioc-web-test-'));
    // the demo's synthetic indicator values (millions of rows) are left out: the tests post
    // the values they need
    const env = { IOC_DEMO_INDICATOR_VALUES: 'false', ...process.env, ...extra };
    for (const [role, pw] of Object.entries(PASSWORDS)) env[`IOC_DEMO_PASSWORD_${role.toUpperCase()}`] = pw;
    const proc = spawn(bin, ['--demo', '--listen', '127.0.0.1:0', '--data', data, '--web-root', web], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stderr.on('data', (c) => {
        err += c;
        if (err.length > 200000) err = err.slice(-100000);
    });
    const exited = new Promise((resolve) => proc.once('exit', (code, sig) => resolve({ code, sig })));

    const stop = async () => {
        if (proc.exitCode === null && proc.signalCode === null) {
            proc.kill('SIGTERM');
            const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(t);
        }
        fs.rmSync(data, { recursive: true, force: true });
    };

    const base = await new Promise((resolve, reject) => {
        const timer = setTimeout(
            () => reject(new Error(`iocd did not listen within ${timeoutMs} ms\n${out}\n${err}`)),
            timeoutMs,
        );
        proc.stdout.on('data', (c) => {
            out += c;
            const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
            if (m) {
                clearTimeout(timer);
                resolve(m[1]);
            }
        });
        exited.then(({ code, sig }) => {
            clearTimeout(timer);
            reject(new Error(`iocd exited (${code ?? sig}) before listening\n${out}\n${err}`));
        });
    }).catch(async (e) => {
        await stop();
        throw e;
    });
    return { base, stop, output: () => out + err };
}

/** A free TCP port on 127.0.0.1 (for a server that must come back on the same address). */
export function freePort() {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}

/**
 * iocd --demo on a fixed port and data directory that start() and stop() keep, so a test can
 * restart it (a server restart as the browser sees it). remove() deletes the data directory.
 * → {base, start(), stop(), remove()}.
 */
export function createRestartable(port) {
    const { bin, web } = requireBuild();
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'ioc-web-restart-'));
    const env = { IOC_DEMO_INDICATOR_VALUES: 'false', ...process.env };
    for (const [role, pw] of Object.entries(PASSWORDS)) env[`IOC_DEMO_PASSWORD_${role.toUpperCase()}`] = pw;
    let proc = null;
    let exited = null;
    return {
        base: `http://127.0.0.1:${port}`,
        async start() {
            proc = spawn(bin, ['--demo', '--listen', `127.0.0.1:${port}`, '--data', data, '--web-root', web], {
                cwd: ROOT,
                env,
                stdio: ['ignore', 'pipe', 'pipe'],
            });
            proc.stderr.resume();
            exited = new Promise((resolve) => proc.once('exit', resolve));
            await new Promise((resolve, reject) => {
                let out = '';
                const timer = setTimeout(() => reject(new Error(`iocd did not listen\n${out}`)), 30000);
                proc.stdout.on('data', (c) => {
                    out += c;
                    if (/listening on/.test(out)) {
                        clearTimeout(timer);
                        resolve();
                    }
                });
                exited.then(() => reject(new Error(`iocd exited\n${out}`)));
            });
        },
        async stop() {
            if (proc && proc.exitCode === null && proc.signalCode === null) {
                proc.kill('SIGTERM');
                const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
                await exited;
                clearTimeout(t);
            }
        },
        remove() {
            fs.rmSync(data, { recursive: true, force: true });
        },
    };
}
