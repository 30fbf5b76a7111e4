import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasScope } from '../auth/auth.js';
import type { Services } from '../context.js';
import { createDashboard } from '../dashboard/page.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import { healthSeenBy } from '../domain/health.js';
import { createPrometheusExporter, type PrometheusExporter } from '../services/prometheus.js';
import { createGraphiQLAssets, GRAPHIQL_ASSET_PREFIX } from './graphiql.js';
import type { HttpGuard } from './http-guard.js';
import { isEventStream, type SseStreams } from './sse.js';
import { answerAs, type GraphQLServer } from './yoga.js';

/** One HTTP route: where it answers, and how. */
export interface Route {
  /** The exact path, with `prefix` every path starting with it, or `*` for any. */
  path: string;
  prefix?: boolean;
  /** The methods it answers (all when omitted); other methods go on to the next route. */
  methods?: readonly string[];
  /** Answers the request; returning false hands it to the next route. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean | void;
}

/** What the routes serve from. */
export interface RouteParts {
  services: Services;
  database: Database;
  yoga: GraphQLServer;
  guard: HttpGuard;
  sse: SseStreams;
  graphiql: () => boolean;
}

const READ = ['GET', 'HEAD'];

/** The server's HTTP routes, tried in order; a new route is one entry here. */
export function httpRoutes(parts: RouteParts): Route[] {
  const log = parts.services.logger.child({ component: 'http' });
  const prometheus = createPrometheusExporter(parts.services.metrics);
  const dashboard = createDashboard();
  const graphiqlAssets = createGraphiQLAssets();
  return [
    { path: '/readyz', handle: (_req, res) => void readiness(parts.database, res) },
    { path: '/health', methods: READ, handle: (_req, res) => void healthReport(parts.services, res) },
    // Per-namespace figures are tenant data: the same key rules as the API (scrapers send a bearer key).
    {
      path: '/metrics',
      methods: READ,
      handle: (req, res) => void answer(res, log, METRICS_FAILED, () => scrape(parts, prometheus, req, res)),
    },
    { path: '/healthz', handle: (req, res) => void parts.yoga.requestListener(req, res) },
    {
      path: GRAPHIQL_ASSET_PREFIX,
      prefix: true,
      methods: READ,
      handle: (req, res, path) => parts.graphiql() && void answer(res, log, PAGE_FAILED, () => graphiqlAssets(req, res, path)),
    },
    // The page holds no data: it asks the API with the key its user enters.
    { path: '/', methods: READ, handle: (req, res) => void answer(res, log, PAGE_FAILED, () => dashboard.serve(req, res)) },
    // /graphql over HTTP and SSE; Yoga answers any other path with 404, after the guard.
    { path: '*', handle: (req, res) => void answer(res, log, GUARD_FAILED, () => graphql(parts, req, res)) },
  ];
}

/** A request listener that hands each request to the first route that answers it. */
export function routeRequests(routes: readonly Route[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    for (const route of routes) {
      const matches = route.path === '*' || (route.prefix ? path.startsWith(route.path) : path === route.path);
      if (!matches) continue;
      if (route.methods && !route.methods.includes(req.method ?? 'GET')) continue;
      if (route.handle(req, res, path) !== false) return;
    }
    res.writeHead(404).end();
  };
}

async function scrape({ guard, database }: RouteParts, prometheus: PrometheusExporter, req: IncomingMessage, res: ServerResponse) {
  const principal = await guard(req, res);
  if (!principal) return; // the guard has answered (401, 429)
  if (!hasScope(principal, 'read')) {
    res.writeHead(403, { 'content-type': 'text/plain' }).end('the API key needs the read scope\n');
    return;
  }
  const text = await database.readFromReplicas(() => prometheus.scrape(principal.namespaces));
  res.writeHead(200, { 'content-type': prometheus.contentType }).end(text);
}

/** HTTP and SSE: the guard, then Yoga with the principal (SSE streams counted per key). */
async function graphql(parts: RouteParts, req: IncomingMessage, res: ServerResponse) {
  const principal = await parts.guard(req, res);
  if (principal === null) return; // the guard has answered (401, 413, 429)
  if (principal && isEventStream(req) && !parts.sse.track(res, principal)) return;
  void answerAs(parts.yoga, req, res, principal);
}

async function readiness(database: Database, res: ServerResponse) {
  let status = 200;
  let body: object;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  try {
    body = { status: 'ready', database: { latencyMs: await database.ping() } };
  } catch (error) {
    status = 503;
    body = { status: 'unavailable', database: { error: (error as Error).message } };
    headers['retry-after'] = '1';
  }
  res.writeHead(status, headers).end(JSON.stringify(body));
}

async function healthReport(services: Services, res: ServerResponse) {
  try {
    const health = await services.health.current();
    const status = health.status === 'UNHEALTHY' ? 503 : 200;
    // Anonymous: the figures that count other namespaces' executions stay out.
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(healthSeenBy(health, false)));
  } catch {
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"UNHEALTHY"}');
  }
}

/** How a route answers when it fails unexpectedly (the error is logged with `log`). */
interface Failure {
  log: string;
  status: number;
  contentType: string;
  body: string;
}

const METRICS_FAILED: Failure = { log: 'metrics scrape failed', status: 503, contentType: 'text/plain', body: 'metrics unavailable\n' };
const PAGE_FAILED: Failure = { log: 'web page bundle failed', status: 500, contentType: 'text/plain', body: 'page unavailable\n' };
const GUARD_FAILED: Failure = {
  log: 'request guard failed',
  status: 503,
  contentType: 'application/json',
  body: JSON.stringify({ errors: [{ message: 'Service unavailable', extensions: { code: 'INTERNAL' } }] }),
};

async function answer(res: ServerResponse, log: Logger, failure: Failure, answering: () => Promise<void>) {
  try {
    await answering();
  } catch (error) {
    log.error({ err: error }, failure.log);
    if (!res.headersSent) res.writeHead(failure.status, { 'content-type': failure.contentType });
    res.end(failure.body);
  }
}
