/**
 * SIGTERM with clients on kept-alive connections: every request the server took gets its whole
 * answer, the answers from the drain on say `Connection: close`, and the server stops at once
 * instead of serving those connections until the grace ends and then cutting them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { onPostgres, startServer } from './harness.js';
import { runScript } from './processes.js';

const folder = mkdtempSync(join(tmpdir(), 'runwatch-shutdown-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

function post(url: URL, agent: Agent, query: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query }));
  });
}

// The drain is the HTTP server's, the same on either driver: this runs on PGlite only, to spare CI a second start.
describe.runIf(!onPostgres)('SIGTERM', () => {
  it('answers every request it took, closes kept-alive connections after their answer, and cuts nothing', async () => {
    const env = { DATABASE_URL: '', TEST_DATABASE_URL: '', DATA_DIR: join(folder, 'data'), PORT: '0', LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '60000' };
    const server = runScript('src/main.ts', [], env);
    const url = new URL(await server.listening);

    const CLIENTS = 4;
    const acknowledged: string[] = [];
    const outcomes: { afterSignal: number; end: string }[] = [];
    let signalled = false;
    let answersBeforeSignal = 0;
    let signal!: () => void;
    const enoughAnswers = new Promise<void>((resolve) => (signal = resolve));
    const clients = Array.from({ length: CLIENTS }, async (_, client) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      let afterSignal = 0;
      for (let n = 0; ; n++) {
        const externalId = `client-${client}-${n}`;
        let answer: Answer;
        try {
          answer = await post(url, agent, `mutation { createExecution(input: { workflow: "drain", externalId: "${externalId}", steps: [] }) { externalId } }`);
        } catch (error) {
          // Sent on a connection the server closed as idle at the same instant: never read, so never applied.
          outcomes.push({ afterSignal, end: (error as NodeJS.ErrnoException).code ?? String(error) });
          break;
        }
        expect(answer.status, answer.body).toBe(200);
        expect(JSON.parse(answer.body)).toEqual({ data: { createExecution: { externalId } } });
        acknowledged.push(externalId);
        if (signalled) afterSignal++;
        else if (++answersBeforeSignal >= CLIENTS * 3) signal();
        if (answer.connection === 'close') {
          outcomes.push({ afterSignal, end: 'close' });
          break;
        }
      }
      agent.destroy();
    });

    await enoughAnswers;
    signalled = true;
    const exit = await server.stop('SIGTERM');
    await Promise.all(clients);

    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stdout).not.toContain('were cut');
    expect(outcomes).toHaveLength(CLIENTS);
    for (const outcome of outcomes) {
      expect(['close', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']).toContain(outcome.end);
      // Before the drain began this process had answered a few more on the connection at most,
      // never the stream of answers a kept-alive connection gets until the grace ends.
      expect(outcome.afterSignal).toBeLessThan(10);
    }

    // Exactly the acknowledged writes are in the database.
    const reopened = await startServer({ env: { DATA_DIR: join(folder, 'data') } });
    const stored = await reopened.request<{ executions: { edges: { node: { externalId: string } }[] } }, never>(
      `{ executions(first: 500, filter: { workflow: "drain" }) { edges { node { externalId } } } }`,
    );
    expect(stored.data!.executions.edges.map((edge) => edge.node.externalId).sort()).toEqual([...acknowledged].sort());
  });
});
