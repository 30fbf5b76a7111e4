// Plain JavaScript: worker threads do not inherit tsx's loader on Node 20.
// mode "lifecycles": `engines` concurrent loops, each running whole executions over HTTP for `seconds`,
// one mutation per request; with `perBatch`, `perBatch` executions at a time through `ingest` batches.
// With `urls` (and `namespaces`), engine i writes to urls[i % n] in namespaces[i % n].
// mode "subscribers": `count` graphql-ws sockets on the events feed (unfiltered, or `query`), counting
// deliveries; when the query selects `timestamp`, also the time from each event's write to its delivery.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { CREATE, creates, FOLLOW, followingBatches, okResults } from './lifecycle-batches.mjs';

const { mode } = workerData;

if (mode === 'subscribers') {
  const query = workerData.query ?? 'subscription { events { cursor seq type data } }';
  let received = 0;
  let latencies = [];
  let ready = 0;
  const sockets = [];
  for (let i = 0; i < workerData.count; i++) {
    const socket = new WebSocket(workerData.wsUrl, 'graphql-transport-ws');
    sockets.push(socket);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString());
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        if (++ready === workerData.count) setTimeout(() => parentPort.postMessage({ type: 'ready' }), 300);
      } else if (message.type === 'next') {
        received++;
        const written = message.payload.data?.events?.timestamp;
        if (written) latencies.push(Date.now() - Date.parse(written));
      }
      else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (message.type === 'error') parentPort.postMessage({ type: 'error', message: JSON.stringify(message.payload) });
    });
  }
  parentPort.on('message', (message) => {
    if (message === 'count') {
      parentPort.postMessage({ type: 'count', received, latencies });
      latencies = [];
    }
    if (message === 'close') {
      for (const socket of sockets) socket.close();
      parentPort.postMessage({ type: 'closed' });
    }
  });
} else {
  const { engines, seconds, steps, perBatch } = workerData;
  const targets = (workerData.urls ?? [workerData.url]).map((url) => new URL(url));
  const namespaceOf = (engine) => workerData.namespaces?.[engine % targets.length] ?? 'bench';
  const agent = new http.Agent({ keepAlive: true, maxSockets: engines });
  const gqlTo = (target, query, variables) =>
    new Promise((resolve, reject) => {
      const payload = Buffer.from(JSON.stringify({ query, variables }));
      const req = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': payload.length } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const body = JSON.parse(Buffer.concat(chunks).toString());
            if (body.errors) reject(new Error(JSON.stringify(body.errors)));
            else resolve(body.data);
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const CREATE_ONE = 'mutation($input: CreateExecutionInput!) { createExecution(input: $input) { id steps { id } } }';
  const EXEC = (name) => `mutation($id: ID!) { ${name}(id: $id) { id } }`;
  const STEP = (name) => `mutation($id: ID!) { ${name}(stepId: $id) { id } }`;
  const PROGRESS = 'mutation($id: ID!, $p: Float!) { reportStepProgress(stepId: $id, percent: $p) { id } }';

  let lifecycles = 0;
  let requests = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const oneByOne = async (engine, gql) => {
    const { createExecution } = await gql(CREATE_ONE, {
      input: { workflow: `ingest-${engine % 4}`, namespace: namespaceOf(engine), steps: Array.from({ length: steps }, (_, i) => ({ name: `s${i}`, type: 'script' })) },
    });
    await gql(EXEC('startExecution'), { id: createExecution.id });
    for (const step of createExecution.steps) {
      await gql(STEP('startStep'), { id: step.id });
      await gql(PROGRESS, { id: step.id, p: 50 });
      await gql(STEP('completeStep'), { id: step.id });
    }
    await gql(EXEC('completeExecution'), { id: createExecution.id });
    requests += 3 + steps * 3;
    lifecycles++;
  };
  const batched = async (engine, gql) => {
    const executions = okResults(await gql(CREATE, { c: creates(perBatch, steps, `ingest-${engine % 4}`) })).map((r) => r.execution);
    const batches = followingBatches(executions);
    for (const commands of batches) okResults(await gql(FOLLOW, { c: commands }));
    requests += 1 + batches.length;
    lifecycles += perBatch;
  };
  await Promise.all(
    Array.from({ length: engines }, async (_, engine) => {
      const target = targets[engine % targets.length];
      const gql = (query, variables) => gqlTo(target, query, variables);
      while (performance.now() < deadline) await (perBatch ? batched(engine, gql) : oneByOne(engine, gql));
    }),
  );
  agent.destroy();
  parentPort.postMessage({ lifecycles, requests, elapsed: (performance.now() - started) / 1000 });
}
