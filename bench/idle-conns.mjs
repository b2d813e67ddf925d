// Opens N keep-alive connections to an HTTP server, sends one request on each so the server
// has seen a full exchange, then holds them idle until killed. Writes the number opened to READY.
import net from 'node:net';
import { writeFileSync } from 'node:fs';

const [url, nStr, ready] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const n = Number(nStr);
const socks = [];
let opened = 0, failed = 0;

function open() {
  return new Promise((resolve) => {
    const s = net.connect(Number(port), hostname, () => {
      s.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
    });
    s.once('data', () => { opened++; resolve(); });
    s.on('error', () => { failed++; resolve(); });
    socks.push(s);
  });
}

for (let i = 0; i < n; i += 200) {
  await Promise.all(Array.from({ length: Math.min(200, n - i) }, open));
}
writeFileSync(ready, String(opened));
if (failed) console.error(`${failed} connections failed`);
setInterval(() => {}, 1 << 30);
