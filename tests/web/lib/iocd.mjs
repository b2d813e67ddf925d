// iocd.mjs — start a real `iocd --demo` on 127.0.0.1:0 for the browser tests and the bench.
//
// The daemon gets a fresh temporary data directory and fixed demo passwords (IOC_DEMO_PASSWORD_*),
// prints "listening on http://127.0.0.1:PORT" on stdout, and is stopped (SIGTERM, then SIGKILL)
// by stop(), which also removes the data directory. IOCD overrides the binary (default build/iocd),
// IOC_WEB_ROOT the web root (default build/web).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
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
