// Plain JavaScript: worker threads do not inherit tsx's loader on Node 20.
/** Worker: many graphql-ws subscribers speaking the protocol directly over `ws` (one socket each). */
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const { wsUrl, executionIds, subscribers } = workerData;
const query = 'subscription($filter: EventFilter) { events(filter: $filter) { cursor seq type timestamp data } }';

let received = 0;
let expected = Infinity;
let firstAt = 0;
let latencies = [];
let samplePayload = '';
let subscribed = 0;
/** Deliveries per socket since the last reset, for the stall report. */
let perSocket = new Array(subscribers).fill(0);

function finishIfDone() {
  if (received >= expected) {
    parentPort.postMessage({ type: 'done', received, latencies, elapsedMs: performance.now() - firstAt, samplePayload });
    expected = Infinity;
  }
}

/** One subscriber; resolves once the server has acknowledged its connection. */
const connect = (i) =>
  new Promise((resolve) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (raw) => {
      const text = raw.toString();
      const message = JSON.parse(text);
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { filter: { executionId: executionIds[i % executionIds.length] } } } }));
        subscribed++;
        resolve();
      } else if (message.type === 'next') {
        if (received === 0) firstAt = performance.now();
        received++;
        perSocket[i]++;
        samplePayload ||= text;
        // Steady-phase events carry "t<i>" as their message: report when each arrived.
        const tick = message.payload?.data?.events?.data?.message;
        if (typeof tick === 'string' && tick.startsWith('t')) latencies.push([Number(tick.slice(1)), Date.now()]);
        finishIfDone();
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      }
    });
    socket.on('close', (code, reason) => parentPort.postMessage({ type: 'error', message: `socket ${i} closed: ${code} ${reason}` }));
    socket.on('error', (error) => parentPort.postMessage({ type: 'error', message: String(error) }));
  });

// In waves, so that a loaded machine does not miss graphql-ws' connection_init deadline.
const WAVE = 250;
for (let first = 0; first < subscribers; first += WAVE) {
  await Promise.all(Array.from({ length: Math.min(WAVE, subscribers - first) }, (_, k) => connect(first + k)));
}
setTimeout(() => parentPort.postMessage({ type: 'subscribed' }), 500);

parentPort.on('message', (message) => {
  if (message.type === 'reset') {
    received = 0;
    latencies = [];
    firstAt = 0;
    perSocket = new Array(subscribers).fill(0);
    parentPort.postMessage({ type: 'reset' });
  } else if (message.type === 'expect') {
    expected = message.count;
    finishIfDone();
  } else if (message.type === 'status') {
    const histogram = {};
    for (const count of perSocket) histogram[count] = (histogram[count] ?? 0) + 1;
    parentPort.postMessage({ type: 'status', subscribed, received, expected, socketsByDeliveries: histogram });
  }
});
