import type postgres from 'postgres';
import type { Logger } from '../logger.js';

/** What health reports of one read replica. */
export interface ReplicaStatus {
  /** host:port/database, never the credentials. */
  name: string;
  /** How long the replica has been behind the primary (null when it could not be asked). */
  lagMs: number | null;
  /** Whether reads go to it now. */
  serving: boolean;
  /** Why it is skipped; null while it serves. */
  problem: string | null;
}

export interface ReplicaOptions {
  urls: readonly string[];
  /** Opens a pool on a replica (the primary's pool settings). */
  connect: (url: string) => postgres.Sql;
  /** A replica further behind than this is skipped. */
  maxLagMs: number;
  /** How often the lag is measured. */
  checkMs: number;
  logger: Logger;
}

interface Replica extends ReplicaStatus {
  sql: postgres.Sql;
}

/** A WAL position ('16/B374D848') as a number that compares. */
const parseLsn = (lsn: string) => {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
};

const nameOf = (url: string) => {
  const { host, pathname } = new URL(url);
  return `${host}${pathname}`;
};

/**
 * The read replicas and their lag. Every `checkMs` the primary's WAL position is sampled; a replica
 * whose replayed position is behind a sample has been behind at least since that sample was taken
 * (lag to within one interval, whatever the clocks say and however idle the primary is). Reads go
 * round-robin to the replicas within `maxLagMs`; none means the primary.
 */
export async function openReplicas(primary: postgres.Sql, options: ReplicaOptions) {
  const log = options.logger.child({ component: 'replicas' });
  const replicas: Replica[] = options.urls.map((url) => ({
    name: nameOf(url),
    sql: options.connect(url),
    lagMs: null,
    serving: false,
    problem: 'not checked yet',
  }));
  /** The primary's WAL position over time, oldest first, while some replica may not have replayed it. */
  const samples: { lsn: bigint; at: number }[] = [];
  let next = 0;

  const set = (replica: Replica, state: Pick<ReplicaStatus, 'lagMs' | 'problem'>) => {
    const serving = state.problem === null;
    if (serving !== replica.serving) log.warn({ replica: replica.name, ...state }, serving ? 'replica serves reads' : 'replica skipped: reads go to the primary');
    Object.assign(replica, state, { serving });
  };

  async function measure(replica: Replica, now: number) {
    try {
      const [row] = await replica.sql<{ replayed: string | null }[]>`select pg_last_wal_replay_lsn()::text as replayed`;
      if (!row?.replayed) return set(replica, { lagMs: null, problem: 'not a standby (pg_last_wal_replay_lsn() is null)' });
      const replayed = parseLsn(row.replayed);
      const behindSince = samples.find((sample) => sample.lsn > replayed)?.at;
      const lagMs = behindSince === undefined ? 0 : now - behindSince;
      set(replica, { lagMs, problem: lagMs > options.maxLagMs ? `lagging ${Math.round(lagMs)} ms, over ${options.maxLagMs} ms` : null });
      return replayed;
    } catch (error) {
      set(replica, { lagMs: null, problem: `unreachable: ${(error as Error).message}` });
    }
  }

  async function check() {
    const [row] = await primary<{ lsn: string }[]>`select pg_current_wal_lsn()::text as lsn`;
    const now = performance.now();
    samples.push({ lsn: parseLsn(row!.lsn), at: now });
    const replayed = (await Promise.all(replicas.map((replica) => measure(replica, now)))).filter((lsn) => lsn !== undefined);
    // Keep the samples a replica that answered has not replayed (and the latest), at most a day's worth of checks.
    const oldestReplayed = replayed.reduce((min, lsn) => (lsn < min ? lsn : min), samples.at(-1)!.lsn);
    while (samples.length > 1 && (samples[0]!.lsn <= oldestReplayed || samples.length > 86_400)) samples.shift();
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = async () => {
    await check().catch((error: unknown) => log.debug({ err: error }, 'replica check failed: the primary did not answer'));
    if (!stopped) timer = setTimeout(() => void loop(), options.checkMs);
  };
  await loop();

  return {
    /** A replica within the lag limit, in turn; null: read the primary. */
    pick(): postgres.Sql | null {
      const serving = replicas.filter((replica) => replica.serving);
      return serving.length === 0 ? null : serving[next++ % serving.length]!.sql;
    },
    /** A read on `sql` found it unreachable: skip it until the next check says otherwise. */
    unreachable(sql: postgres.Sql, error: Error) {
      const replica = replicas.find((r) => r.sql === sql);
      if (replica) set(replica, { lagMs: null, problem: `unreachable: ${error.message}` });
    },
    status: (): ReplicaStatus[] => replicas.map(({ name, lagMs, serving, problem }) => ({ name, lagMs, serving, problem })),
    async close() {
      stopped = true;
      clearTimeout(timer);
      // An unreachable replica has nothing to finish: waiting for it would only wait out the timeout.
      await Promise.all(replicas.map((replica) => replica.sql.end({ timeout: replica.serving ? 5 : 0 })));
    },
  };
}

export type Replicas = Awaited<ReturnType<typeof openReplicas>>;
