// HTTP load generator, run in a worker thread (so it gets its own core) by bench/support.ts `load()`.
// closed: `connections` keep-alive loops, each sending its next request when the last answered.
// open:   requests at a fixed arrival rate whatever the answers; latency from the scheduled time.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { mode, url, body, headers = {}, connections = 8, seconds = 5, rate = 100, bodies } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: mode === 'open' ? 256 : connections });
const payloads = (bodies ?? [body]).map((b) => Buffer.from(b));

function send(payload) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': payload.length, ...headers },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks)}`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const latencies = [];
let errors = 0;
let firstError;
let counter = 0;
const started = performance.now();
const deadline = started + seconds * 1000;

if (mode === 'closed') {
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await send(payloads[counter++ % payloads.length]);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= String(error);
        }
      }
    }),
  );
} else {
  const total = Math.round(rate * seconds);
  const pending = [];
  for (let i = 0; i < total; i++) {
    const scheduled = started + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      send(payloads[i % payloads.length]).then(
        () => latencies.push(performance.now() - scheduled),
        (error) => {
          errors++;
          firstError ??= String(error);
        },
      ),
    );
  }
  await Promise.all(pending);
}
const elapsed = (performance.now() - started) / 1000;
agent.destroy();
parentPort.postMessage({ requests: latencies.length, errors, firstError, elapsed, latencies });
