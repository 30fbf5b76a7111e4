import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningProcess {
  child: ChildProcess;
  /** Everything it has printed so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with its exit. */
  exited: Promise<Exit>;
  /** The GraphQL URL from its "Runwatch listening" log line (LOG_LEVEL info or lower). */
  listening: Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

const running = new Set<RunningProcess>();
afterAll(async () => {
  await Promise.all([...running].map((p) => p.stop('SIGKILL')));
});

/**
 * Runs an entry point of this repository in its own process: TypeScript (`src/main.ts`, `scripts/keys.ts`)
 * through tsx, the build's JavaScript (`dist/main.js`) with plain Node.
 */
export function runScript(script: string, args: string[], env: Record<string, string | undefined>): RunningProcess {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_PRETTY: 'false', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(handle);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  const listening = new Promise<string>((resolve, reject) => {
    const look = () => {
      const match = /"url":"([^"]+)".*"msg":"Runwatch listening"/.exec(stdout);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', look);
    void exited.then((exit) => reject(new Error(`${script} exited (${exit.code ?? exit.signal}) before listening: ${exit.stderr || exit.stdout}`)));
  });
  listening.catch(() => {});
  const handle: RunningProcess = {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    listening,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  running.add(handle);
  return handle;
}

/** Runs a script to its end. */
export const runToEnd = (script: string, args: string[], env: Record<string, string | undefined>) => runScript(script, args, env).exited;
