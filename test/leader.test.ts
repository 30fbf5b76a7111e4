/**
 * Who runs the alert rounds: the monitor component that tells, and on Postgres several instances
 * (three real server processes among them) with one leader at a time, every round counted once,
 * and a handover when the leader is SIGKILLed or loses its lock session.
 */
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { LEADER_LOCK } from '../src/db/alerts.js';
import { createExecution } from './fixtures.js';
import { graphql } from './gql/index.js';
import { eventually, freshDatabaseUrl, manualClock, onPostgres, startServer, type TestServer } from './harness.js';
import { runScript, type RunningProcess } from './processes.js';

const Health = graphql(`query LeaderHealth { health { components { component status message } } }`);
const QueueAlerts = graphql(`query LeaderQueueAlerts { alerts(first: 100) { edges { node { rule namespace occurrences } } } }`);

const INTERVAL_MS = 400;

describe('the monitor component', () => {
  const monitorOf = async (server: TestServer) => (await server.data(Health, undefined as never)).health.components.find((c) => c.component === 'monitor')!;

  it('turns DEGRADED when no instance evaluates because MONITOR_ENABLED=false, and names the leader once one does', async () => {
    const clock = manualClock(new Date('2026-06-01T12:00:00.000Z'));
    const server = await startServer({ clock, env: { MONITOR_ENABLED: 'false', MONITOR_INTERVAL_MS: '10000', HEALTH_CACHE_MS: '1' } });
    expect(await monitorOf(server)).toMatchObject({ status: 'HEALTHY', message: 'first evaluation pending; alert evaluation is off on this instance (MONITOR_ENABLED=false)' });
    clock.advance(30_000);
    expect(await monitorOf(server)).toMatchObject({
      status: 'DEGRADED',
      message: 'no instance has evaluated the alert rules for 3 intervals (30 s); alert evaluation is off on this instance (MONITOR_ENABLED=false)',
    });
    clock.advance(10 * 60_000); // never UNHEALTHY from an instance that cannot tell whether another should evaluate
    expect((await monitorOf(server)).status).toBe('DEGRADED');

    expect(await server.app.services.alerts.evaluate()).toBe(true);
    const { instanceId } = server.app.services.alerts;
    clock.advance(2_500);
    expect(await monitorOf(server)).toMatchObject({
      status: 'HEALTHY',
      message: `leader ${instanceId} since 2026-06-01T12:10:30.000Z, round 1, last evaluation 2.5 s ago; alert evaluation is off on this instance (MONITOR_ENABLED=false)`,
    });
  });

  it('goes UNHEALTHY when the rounds stop on an instance that evaluates', async () => {
    const clock = manualClock(new Date('2026-06-02T12:00:00.000Z'));
    // The loop's first round runs at start; the next would come only after the (real) interval.
    const server = await startServer({ clock, env: { MONITOR_INTERVAL_MS: '600000', ALERT_PENDING_MS: '0', HEALTH_CACHE_MS: '1' } });
    const { instanceId } = server.app.services.alerts;
    await eventually(async () => (await monitorOf(server)).message.startsWith(`leader ${instanceId}`), 10_000, 'the first round');
    clock.advance(10 * 600_000);
    expect(await monitorOf(server)).toMatchObject({
      status: 'UNHEALTHY',
      message: `no instance has evaluated the alert rules for 10 intervals (1 h 40 min); last: leader ${instanceId} since 2026-06-02T12:00:00.000Z, round 1`,
    });
  });
});

describe.runIf(onPostgres)('several instances', () => {
  it('two instances evaluating at once produce one alert and count each round once', async () => {
    const databaseUrl = await freshDatabaseUrl();
    const env = { MONITOR_ENABLED: 'false', ALERT_PENDING_MS: '0', QUEUE_DEPTH_THRESHOLD: '3', HEALTH_CACHE_MS: '1' };
    const a = await startServer({ databaseUrl, env });
    const b = await startServer({ databaseUrl, env });
    for (let i = 0; i < 4; i++) await createExecution(a, { namespace: 'shared', stepCount: 0, queued: true });
    let counted = 0;
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([a.app.services.alerts.evaluate(), b.app.services.alerts.evaluate()]);
      counted += results.filter(Boolean).length;
    }
    const listed = (await a.data(QueueAlerts, undefined as never)).alerts.edges.map((e) => e.node);
    const alerts = listed.filter((alert) => alert.rule === 'HIGH_QUEUE_DEPTH' && alert.namespace === 'shared');
    expect(alerts).toHaveLength(1);
    // The round lock lets one through at a time, and a round right after another instance's does not count.
    expect(counted).toBeGreaterThanOrEqual(1);
    expect(counted).toBeLessThanOrEqual(5);
    expect(alerts[0]!.occurrences).toBe(counted);
  });
});

interface Sample {
  at: number;
  rounds: number;
  leaderId: string | null;
  lastEvaluatedAt: Date;
  /** Sessions holding the leader lock in this database. */
  leaders: number;
  alertId: string | null;
  occurrences: number | null;
}

describe.runIf(onPostgres)('three instances on one database', () => {
  it('have one leader at a time, count every round once, and hand over when the leader is killed', async () => {
    const databaseUrl = (await freshDatabaseUrl())!;
    const env = {
      DATABASE_URL: databaseUrl,
      PORT: '0',
      LOG_LEVEL: 'info',
      MONITOR_INTERVAL_MS: String(INTERVAL_MS),
      ALERT_PENDING_MS: '0',
      QUEUE_DEPTH_THRESHOLD: '1',
      HEALTH_CACHE_MS: '100',
    };
    const instances: RunningProcess[] = [0, 1, 2].map(() => runScript('src/main.ts', [], env));
    const urls = await Promise.all(instances.map((i) => i.listening));
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      for (let i = 0; i < 2; i++) {
        const response = await fetch(urls[0]!, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'mutation { createExecution(input: { namespace: "leader", workflow: "w", steps: [], queued: true }) { id } }' }),
        });
        expect(response.status).toBe(200);
      }

      // One statement, one snapshot: the round state and the alert a round updates together.
      const samples: Sample[] = [];
      const sample = async () => {
        const [row] = await sql<Omit<Sample, 'at'>[]>`
          select m.rounds, m.leader_id as "leaderId", m.last_evaluated_at as "lastEvaluatedAt", a.id as "alertId", a.occurrences,
            (select count(*)::int from pg_locks l join pg_database d on d.oid = l.database
             where d.datname = current_database() and l.locktype = 'advisory' and l.classid = 0 and l.objid = ${LEADER_LOCK} and l.objsubid = 1 and l.granted) as leaders
          from monitor_state m left join alerts a on a.fingerprint = 'HIGH_QUEUE_DEPTH|leader|' and a.status <> 'RESOLVED'
          where m.id = 1`;
        if (row) samples.push({ ...row, at: Date.now() });
        return row;
      };
      const sampleUntil = (done: (s: Sample) => boolean, what: string) =>
        eventually(async () => {
          const row = await sample();
          return row && done(samples.at(-1)!) ? samples.at(-1)! : null;
        }, 90_000, what);

      await sampleUntil((s) => (s.occurrences ?? 0) >= 8, 'eight counted rounds');
      const leaderBefore = samples.at(-1)!.leaderId!;
      const victim = instances.find((i) => leaderBefore.split(':')[1] === String(i.child.pid))!;
      expect(victim).toBeDefined();
      const killedAt = Date.now();
      victim.child.kill('SIGKILL');
      await victim.exited;
      const takeover = await sampleUntil((s) => s.leaderId !== leaderBefore, 'another leader');
      const intervals = (takeover.lastEvaluatedAt.getTime() - killedAt) / INTERVAL_MS;
      console.log(`leader killed; the first round of the next leader came ${intervals.toFixed(1)} intervals later`);
      expect(takeover.lastEvaluatedAt.getTime() - killedAt).toBeLessThan(30_000);
      const roundsAtTakeover = takeover.rounds;
      await sampleUntil((s) => s.rounds >= roundsAtTakeover + 5, 'five rounds of the new leader');

      // Never two leaders; one again after the handover, and the lead changed hands only then.
      expect(Math.max(...samples.map((s) => s.leaders))).toBe(1);
      expect(samples.at(-1)!.leaders).toBe(1);
      const takeoverAt = samples.indexOf(takeover);
      expect(new Set(samples.slice(0, takeoverAt).map((s) => s.leaderId))).toEqual(new Set([leaderBefore]));
      expect(new Set(samples.slice(takeoverAt).map((s) => s.leaderId))).toEqual(new Set([takeover.leaderId]));
      // One alert all along, bumped exactly once per round: occurrences - rounds never moves.
      const open = samples.filter((s) => s.alertId !== null);
      expect(new Set(open.map((s) => s.alertId)).size).toBe(1);
      expect(new Set(open.map((s) => s.occurrences! - s.rounds)).size).toBe(1);
      // One round per interval while a leader lasts, and at least half an interval between the
      // last round of one leader and the first of the next (so no interval counts twice).
      for (let i = 1; i < samples.length; i++) {
        const [before, after] = [samples[i - 1]!, samples[i]!];
        if (after.rounds === before.rounds) continue;
        const gap = after.lastEvaluatedAt.getTime() - before.lastEvaluatedAt.getTime();
        const perRound = after.leaderId === before.leaderId ? INTERVAL_MS : INTERVAL_MS / 2;
        expect(gap).toBeGreaterThanOrEqual((after.rounds - before.rounds) * perRound - 50);
      }
      // Every survivor's monitor component names the new leader.
      const leaderNow = samples.at(-1)!.leaderId!;
      for (const url of urls.filter((_, i) => instances[i] !== victim)) {
        const health = (await (await fetch(url.replace('/graphql', '/health'))).json()) as { components: { component: string; message: string }[] };
        expect(health.components.find((c) => c.component === 'monitor')!.message).toContain(`leader ${leaderNow}`);
      }
      expect(instances.filter((i) => i !== victim).some((i) => i.stdout.includes('leading the alert rounds'))).toBe(true);
    } finally {
      await sql.end();
      await Promise.all(instances.map((i) => i.stop()));
    }
  }, 180_000);

  it('takes the lead again after the lock session was lost', async () => {
    const databaseUrl = (await freshDatabaseUrl())!;
    await startServer({ databaseUrl, env: { MONITOR_INTERVAL_MS: '300', HEALTH_CACHE_MS: '100' } });
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const holder = () =>
        sql<{ pid: number }[]>`
          select l.pid from pg_locks l join pg_database d on d.oid = l.database
          where d.datname = current_database() and l.locktype = 'advisory' and l.classid = 0 and l.objid = ${LEADER_LOCK} and l.granted`;
      const single = async () => {
        const rows = await holder();
        return rows.length === 1 ? rows[0]! : null;
      };
      const first = await eventually(single, 20_000, 'the lock held');
      await sql`select pg_terminate_backend(${first.pid})`;
      const second = await eventually(async () => {
        const now = await single();
        return now && now.pid !== first.pid ? now : null;
      }, 20_000, 'the lock taken again by a new session');
      expect(second.pid).not.toBe(first.pid);
      const rounds = async () => (await sql<{ rounds: number }[]>`select rounds from monitor_state`)[0]?.rounds ?? 0;
      const after = await rounds();
      await eventually(async () => (await rounds()) > after, 20_000, 'rounds going on');
    } finally {
      await sql.end();
    }
  });
});
