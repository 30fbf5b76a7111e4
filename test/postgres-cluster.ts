import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway Postgres cluster of its own (initdb + pg_ctl), for tests that stop and start Postgres. */
export interface PostgresCluster {
  url: string;
  start(): void;
  /** A fast shutdown: sessions are terminated, new connections refused. */
  stop(): void;
  destroy(): void;
  /** A streaming replica of this (running) cluster: `pg_basebackup -R` into a folder and onto a port of its own; not started yet. */
  replica(): Promise<PostgresCluster>;
}

const binDir = () => {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  return `/usr/lib/postgresql/${versions[0]}/bin`;
};

export const postgresBinariesPresent = () => {
  try {
    return readdirSync('/usr/lib/postgresql').length > 0;
  } catch {
    return false;
  }
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Postgres refuses to run as root: as root, its binaries run as the `postgres` user. */
function run(binary: string, args: string[]) {
  const command = [join(binDir(), binary), ...args];
  if (process.getuid?.() === 0) execFileSync('su', ['postgres', '-c', command.map((a) => `'${a}'`).join(' ')], { stdio: 'pipe' });
  else execFileSync(command[0]!, command.slice(1), { stdio: 'pipe' });
}

/** A folder the postgres user may write, and a free port. */
async function place() {
  const dir = mkdtempSync(join(tmpdir(), 'runwatch-pg-'));
  chmodSync(dir, 0o777);
  return { dir, data: join(dir, 'data'), port: await freePort() };
}

export async function createPostgresCluster(): Promise<PostgresCluster> {
  const where = await place();
  run('initdb', ['-D', where.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  return cluster(where);
}

function cluster({ dir, data, port }: Awaited<ReturnType<typeof place>>): PostgresCluster {
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c wal_level=replica`;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']),
    stop: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    destroy() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* not running */
      }
      rmSync(dir, { recursive: true, force: true });
    },
    async replica() {
      const copy = await place();
      // initdb's trust rules let local replication connections in; a fast checkpoint starts the copy at once.
      run('pg_basebackup', ['-D', copy.data, '-R', '-X', 'stream', '-c', 'fast', '--no-sync', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres']);
      return cluster(copy);
    },
  };
}
