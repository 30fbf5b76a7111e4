import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyService, generateApiKey } from '../src/auth/keys.js';
import { buildApp } from '../src/app.js';
import { ProtectedModeError } from '../src/auth/auth.js';
import { encodeEventCursor } from '../src/domain/cursors.js';
import { encodeGlobalId } from '../src/graphql/ids.js';
import { schema } from '../src/graphql/schema.js';
import { eventually, freshDatabaseUrl, startServer, testConfig, type TestServer } from './harness.js';
import { codeOf, createKey, keyedClient, post, rawSocket, wsOnce, type RawResponse, type WsOutcome } from './security.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const OWN = 'own-ns';
const OTHER = 'other-ns';

type Cred = 'none' | 'bad' | 'revoked' | 'expired' | 'read' | 'ingest' | 'admin' | 'adminAll';
const CREDS: Cred[] = ['none', 'bad', 'revoked', 'expired', 'read', 'ingest', 'admin', 'adminAll'];
type Ns = 'own' | 'other';
/** What a case must end in: data visible, data hidden (null / empty, as if it did not exist), or an error code. */
type Outcome = 'ok' | 'hidden' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CURSOR_NOT_FOUND';

interface Fixture {
  executionId: string;
  externalId: string;
  dbId: string;
  stepId: string;
  pendingStepId: string;
  firstEventCursor: string;
}

interface Case {
  name: string;
  kind: 'query' | 'mutation' | 'subscription';
  scope: 'read' | 'ingest' | 'admin';
  /** What a key limited to OWN gets for an object in OTHER. */
  elsewhere: Outcome;
  /** Key management has no namespace; run once. */
  namespaced?: false;
  state: 'pending' | 'running' | 'stepRunning' | 'stepWaiting';
  query: string;
  variables(f: Fixture, ns: string): Record<string, unknown>;
  /** Classifies data: 'ok' (the object is there) or 'hidden'. */
  classify(data: Record<string, unknown>, f: Fixture): Outcome | 'unexpected';
}

const E = 'id namespace status';
const S = 'id status';
const nodeOf = (d: Record<string, unknown>, field: string) => d[field] as { id: string } | null;
const mutationOk = (field: string) => (d: Record<string, unknown>) => (nodeOf(d, field)?.id ? 'ok' : 'unexpected') as Outcome;

const CASES: Case[] = [
  {
    name: 'node',
    kind: 'query',
    scope: 'read',
    elsewhere: 'hidden',
    state: 'pending',
    query: `query($id: ID!) { node(id: $id) { id } }`,
    variables: (f) => ({ id: f.executionId }),
    classify: (d, f) => (d.node === null ? 'hidden' : nodeOf(d, 'node')?.id === f.executionId ? 'ok' : 'unexpected'),
  },
  {
    name: 'execution',
    kind: 'query',
    scope: 'read',
    elsewhere: 'hidden',
    state: 'running',
    query: `query($id: ID!) { execution(id: $id) { ${E} steps { id } events(first: 5) { edges { node { id } } } } }`,
    variables: (f) => ({ id: f.executionId }),
    classify: (d, f) => (d.execution === null ? 'hidden' : nodeOf(d, 'execution')?.id === f.executionId ? 'ok' : 'unexpected'),
  },
  {
    name: 'executionByExternalId',
    kind: 'query',
    scope: 'read',
    elsewhere: 'hidden',
    state: 'pending',
    query: `query($ns: String, $ext: String!) { executionByExternalId(namespace: $ns, externalId: $ext) { ${E} } }`,
    variables: (f, ns) => ({ ns, ext: f.externalId }),
    classify: (d, f) => (d.executionByExternalId === null ? 'hidden' : nodeOf(d, 'executionByExternalId')?.id === f.executionId ? 'ok' : 'unexpected'),
  },
  {
    name: 'executions',
    kind: 'query',
    scope: 'read',
    elsewhere: 'hidden',
    state: 'pending',
    query: `query($ns: String) { executions(filter: { namespace: $ns }, first: 500) { edges { node { id } } } }`,
    variables: (_f, ns) => ({ ns }),
    classify: (d, f) => {
      const ids = (d.executions as { edges: { node: { id: string } }[] }).edges.map((e) => e.node.id);
      return ids.length === 0 ? 'hidden' : ids.includes(f.executionId) ? 'ok' : 'unexpected';
    },
  },
  {
    name: 'activeExecutions',
    kind: 'query',
    scope: 'read',
    elsewhere: 'hidden',
    state: 'running',
    query: `query($ns: String) { activeExecutions(namespace: $ns) { executionId } }`,
    variables: (_f, ns) => ({ ns }),
    classify: (d, f) => {
      const ids = (d.activeExecutions as { executionId: string }[]).map((p) => p.executionId);
      return ids.length === 0 ? 'hidden' : ids.includes(f.executionId) ? 'ok' : 'unexpected';
    },
  },
  {
    name: 'events',
    kind: 'query',
    scope: 'read',
    elsewhere: 'hidden',
    state: 'running',
    query: `query($ns: String, $ex: ID) { events(filter: { namespace: $ns, executionId: $ex }, first: 50) { edges { node { executionId namespace } } } }`,
    variables: (f, ns) => ({ ns, ex: f.executionId }),
    classify: (d, f) => {
      const nodes = (d.events as { edges: { node: { executionId: string } }[] }).edges.map((e) => e.node);
      return nodes.length === 0 ? 'hidden' : nodes.every((n) => n.executionId === f.executionId) ? 'ok' : 'unexpected';
    },
  },
  {
    name: 'apiKeys',
    kind: 'query',
    scope: 'admin',
    elsewhere: 'FORBIDDEN',
    namespaced: false,
    state: 'pending',
    query: `{ apiKeys { id name prefix scopes namespaces } }`,
    variables: () => ({}),
    classify: (d) => (Array.isArray(d.apiKeys) && d.apiKeys.length > 0 ? 'ok' : 'unexpected'),
  },
  {
    name: 'createExecution',
    kind: 'mutation',
    scope: 'ingest',
    elsewhere: 'FORBIDDEN',
    state: 'pending',
    query: `mutation($ns: String) { createExecution(input: { workflow: "matrix", namespace: $ns, steps: [{ name: "a", type: "script" }] }) { ${E} } }`,
    variables: (_f, ns) => ({ ns }),
    classify: mutationOk('createExecution'),
  },
  ...(
    [
      ['queueExecution', 'pending', '$id: ID!', 'id: $id', {}],
      ['startExecution', 'pending', '$id: ID!', 'id: $id', {}],
      ['completeExecution', 'running', '$id: ID!', 'id: $id', {}],
      ['failExecution', 'running', '$id: ID!', 'id: $id, error: "boom"', {}],
      ['cancelExecution', 'running', '$id: ID!', 'id: $id, reason: "stop"', {}],
      ['timeoutExecution', 'running', '$id: ID!', 'id: $id', {}],
    ] as const
  ).map(
    ([name, state, decl, args]): Case => ({
      name,
      kind: 'mutation',
      scope: 'ingest',
      elsewhere: 'NOT_FOUND',
      state,
      query: `mutation(${decl}) { ${name}(${args}) { ${E} } }`,
      variables: (f) => ({ id: f.executionId }),
      classify: mutationOk(name),
    }),
  ),
  ...(
    [
      ['startStep', 'running', 'stepId: $id', 'step'],
      ['reportStepProgress', 'stepRunning', 'stepId: $id, percent: 40, message: "m"', 'step'],
      ['completeStep', 'stepRunning', 'stepId: $id', 'step'],
      ['failStep', 'stepRunning', 'stepId: $id, error: "e", retry: true', 'step'],
      ['skipStep', 'running', 'stepId: $id, reason: "r"', 'pending'],
      ['requestApproval', 'running', 'stepId: $id, approvers: ["ann"], message: "ok?"', 'step'],
      ['approveStep', 'stepWaiting', 'stepId: $id, by: "ann"', 'step'],
      ['rejectStep', 'stepWaiting', 'stepId: $id, by: "ann", comment: "no"', 'step'],
    ] as const
  ).map(
    ([name, state, args, which]): Case => ({
      name,
      kind: 'mutation',
      scope: 'ingest',
      elsewhere: 'NOT_FOUND',
      state,
      query: `mutation($id: ID!) { ${name}(${args}) { ${S} } }`,
      variables: (f) => ({ id: which === 'step' ? f.stepId : f.pendingStepId }),
      classify: mutationOk(name),
    }),
  ),
  ...(
    [
      ['ingest', 'NOT_FOUND', '$id: ID!', '{ reportStepProgress: { stepId: $id, percent: 40 } }', `step { ${S} }`],
      ['ingest', 'FORBIDDEN', '$ns: String', '{ createExecution: { workflow: "matrix", namespace: $ns, steps: [] } }', `execution { ${E} }`],
    ] as const
  ).map(
    ([name, elsewhere, decl, command, selection]): Case => ({
      name,
      kind: 'mutation',
      scope: 'ingest',
      elsewhere,
      state: 'stepRunning',
      query: `mutation(${decl}) { ${name}(commands: [${command}]) { ok error { code } ${selection} } }`,
      variables: (f, ns) => (decl.startsWith('$id') ? { id: f.stepId } : { ns }),
      // A command's refusal is its result, not an error of the request.
      classify: (d) => {
        const [result] = d.ingest as { ok: boolean; error: { code: Outcome } | null }[];
        return result!.ok ? 'ok' : result!.error!.code;
      },
    }),
  ),
  {
    name: 'createApiKey',
    kind: 'mutation',
    scope: 'admin',
    elsewhere: 'FORBIDDEN',
    namespaced: false,
    state: 'pending',
    query: `mutation { createApiKey(input: { name: "made-by-matrix", scopes: [READ], namespaces: ["x"] }) { key apiKey { id prefix } } }`,
    variables: () => ({}),
    classify: (d) => ((d.createApiKey as { key: string }).key.startsWith('rw_') ? 'ok' : 'unexpected'),
  },
  {
    name: 'revokeApiKey',
    kind: 'mutation',
    scope: 'admin',
    elsewhere: 'FORBIDDEN',
    namespaced: false,
    state: 'pending',
    query: `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`,
    variables: () => ({ id: victimKeyIds.shift() }),
    classify: (d) => ((d.revokeApiKey as { revokedAt: string | null }).revokedAt ? 'ok' : 'unexpected'),
  },
  {
    name: 'events',
    kind: 'subscription',
    scope: 'read',
    elsewhere: 'CURSOR_NOT_FOUND',
    state: 'running',
    query: `subscription($after: String, $ex: ID) { events(filter: { executionId: $ex }, after: $after) { executionId type } }`,
    variables: (f) => ({ after: f.firstEventCursor, ex: f.executionId }),
    classify: (d, f) => ((d.events as { executionId: string }).executionId === f.executionId ? 'ok' : 'unexpected'),
  },
  {
    name: 'executionProgress',
    kind: 'subscription',
    scope: 'read',
    elsewhere: 'NOT_FOUND',
    state: 'running',
    query: `subscription($id: ID!) { executionProgress(executionId: $id) { executionId status } }`,
    variables: (f) => ({ id: f.executionId }),
    classify: (d, f) => ((d.executionProgress as { executionId: string }).executionId === f.executionId ? 'ok' : 'unexpected'),
  },
];

const victimKeyIds: string[] = [];

function expected(c: Case, cred: Cred, ns: Ns): Outcome {
  if (cred === 'none' || cred === 'bad' || cred === 'revoked' || cred === 'expired') return 'UNAUTHENTICATED';
  const scopes = cred === 'read' ? ['read'] : cred === 'ingest' ? ['ingest'] : ['read', 'ingest', 'admin'];
  if (!scopes.includes(c.scope)) return 'FORBIDDEN';
  if (c.scope === 'admin') return cred === 'adminAll' ? 'ok' : 'FORBIDDEN'; // key management needs an unlimited admin
  if (ns === 'other' && cred !== 'adminAll') return c.elsewhere;
  return 'ok';
}

let server: TestServer;
const keys = {} as Record<Cred, string | null>;

let fixtures = 0;
async function fixture(namespace: string, state: Case['state']): Promise<Fixture> {
  const { executions, repository } = server.app.services;
  const externalId = `matrix-${++fixtures}`;
  const created = await executions.createExecution({
    workflow: 'matrix',
    namespace,
    externalId,
    steps: [
      { name: 'a', type: 'script' },
      { name: 'b', type: 'approval' },
    ],
  });
  if (state !== 'pending') await executions.executionCommand(created.id, { kind: 'start' });
  const [first, second] = await repository.stepsOfExecutions([created]);
  if (state === 'stepRunning') await executions.stepCommand(first!.id, { kind: 'startStep' });
  if (state === 'stepWaiting') await executions.stepCommand(first!.id, { kind: 'requestApproval', approvers: [], message: null });
  const rows = await eventually(
    async () => {
      const found = await repository.listEvents({ executionId: created.id }, null, null, 1);
      return found.length ? found : null;
    },
    5_000,
    'a stable event',
  );
  const event = rows![0];
  return {
    executionId: encodeGlobalId('Execution', created.id),
    externalId,
    dbId: created.id,
    stepId: encodeGlobalId('StepProgress', first!.id),
    pendingStepId: encodeGlobalId('StepProgress', second!.id),
    firstEventCursor: encodeEventCursor(event!),
  };
}

function classifyHttp(c: Case, response: RawResponse, f: Fixture): Outcome | string {
  if (response.status === 401) {
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(codeOf(response)).toBe('UNAUTHENTICATED');
    return 'UNAUTHENTICATED';
  }
  expect(response.status).toBe(200);
  const code = codeOf(response);
  if (code) return code;
  return c.classify(response.body!.data!, f);
}

function classifyWs(c: Case, outcome: WsOutcome, f: Fixture): Outcome | string {
  if (outcome.close !== undefined) return outcome.close === 4403 ? 'UNAUTHENTICATED' : `close ${outcome.close}`;
  const error = outcome.errors?.[0];
  if (error) {
    const code = error.extensions?.code as string;
    return code === 'BAD_USER_INPUT' && error.extensions?.reason === 'CURSOR_NOT_FOUND' ? 'CURSOR_NOT_FOUND' : code;
  }
  if (outcome.data) return c.classify(outcome.data, f);
  return 'unexpected';
}

beforeAll(async () => {
  server = await startServer({ env: { RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000', WS_MAX_SOCKETS_PER_KEY: '1000' } });
  const mk = async (scopes: ('read' | 'ingest' | 'admin')[], namespaces: string[] | null, expiresAt?: Date) =>
    (await createKey(server, { name: `matrix-${scopes.join('-')}`, scopes, namespaces, expiresAt })).key;
  keys.none = null;
  keys.bad = generateApiKey();
  keys.read = await mk(['read'], [OWN]);
  keys.ingest = await mk(['ingest'], [OWN]);
  keys.admin = await mk(['admin'], [OWN]);
  keys.adminAll = await mk(['admin'], null);
  keys.expired = await mk(['admin'], null, new Date(Date.now() - 1_000));
  const revoked = await createKey(server, { name: 'matrix-revoked', scopes: ['admin'] });
  await server.app.services.auth.keys.revoke(revoked.info.id);
  keys.revoked = revoked.key;
  for (let i = 0; i < 10; i++) victimKeyIds.push((await createKey(server, { name: `victim-${i}`, scopes: ['read'] })).info.id);
});

describe('access matrix: every operation x credential x namespace', () => {
  const rows = CASES.flatMap((c) =>
    CREDS.flatMap((cred) =>
      (c.namespaced === false ? (['own'] as Ns[]) : (['own', 'other'] as Ns[])).map((ns) => ({
        label: `${c.kind} ${c.name} | ${cred} | ${ns} namespace -> ${expected(c, cred, ns)}`,
        c,
        cred,
        ns,
      })),
    ),
  );

  it.each(rows)('$label', async ({ c, cred, ns }) => {
    const f = await fixture(ns === 'own' ? OWN : OTHER, c.state);
    const variables = c.variables(f, ns === 'own' ? OWN : OTHER);
    const want = expected(c, cred, ns);
    if (c.kind === 'subscription') {
      const outcome = await wsOnce(server, keys[cred], c.query, variables);
      expect(classifyWs(c, outcome, f), JSON.stringify(outcome)).toBe(want);
    } else {
      const response = await post(server, c.query, variables, { key: keys[cred] });
      expect(classifyHttp(c, response, f), response.text.slice(0, 400)).toBe(want);
    }
  });

  it('covers every operation of API.md', () => {
    const covered = new Set(CASES.map((c) => `${c.kind}.${c.name}`));
    const contract = {
      query: ['node', 'execution', 'executions', 'activeExecutions', 'events'],
      mutation: [
        'createExecution', 'queueExecution', 'startExecution', 'completeExecution', 'failExecution', 'cancelExecution',
        'timeoutExecution', 'startStep', 'reportStepProgress', 'completeStep', 'failStep', 'skipStep', 'requestApproval',
        'approveStep', 'rejectStep',
      ],
      subscription: ['events', 'executionProgress'],
    };
    for (const [kind, names] of Object.entries(contract)) for (const name of names) expect(covered).toContain(`${kind}.${name}`);
  });

  it('an object in another namespace is indistinguishable from one that does not exist', async () => {
    const other = await fixture(OTHER, 'stepRunning');
    const missingExecution = encodeGlobalId('Execution', '00000000-0000-4000-8000-000000000000');
    const missingStep = encodeGlobalId('StepProgress', '00000000-0000-4000-8000-000000000000');
    // The same answer but for the id itself.
    const norm = (r: RawResponse) =>
      JSON.stringify(r.body)
        .replaceAll(other.executionId, 'ID')
        .replaceAll(missingExecution, 'ID')
        .replaceAll(other.stepId, 'ID')
        .replaceAll(missingStep, 'ID')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID');
    for (const [query, real, fake] of [
      [`mutation($id: ID!) { startExecution(id: $id) { id } }`, other.executionId, missingExecution],
      [`mutation($id: ID!) { completeStep(stepId: $id) { id } }`, other.stepId, missingStep],
      [`query($id: ID!) { node(id: $id) { id } }`, other.executionId, missingExecution],
      [`query($id: ID!) { execution(id: $id) { id } }`, other.executionId, missingExecution],
    ]) {
      const a = await post(server, query!, { id: real }, { key: keys.admin });
      const b = await post(server, query!, { id: fake }, { key: keys.admin });
      expect(a.status).toBe(b.status);
      expect(norm(a), query).toBe(norm(b));
    }

    // A cursor from another namespace fails exactly like a cursor of an event that does not exist.
    const sub = `subscription($after: String) { events(after: $after) { id } }`;
    const foreign = await wsOnce(server, keys.read, sub, { after: other.firstEventCursor });
    const missing = await wsOnce(server, keys.read, sub, { after: encodeEventCursor({ txId: 1, id: 999_999_999 }) });
    expect(foreign.errors?.[0]?.extensions?.reason).toBe('CURSOR_NOT_FOUND');
    expect(foreign).toEqual(missing);
  });

  it('filters naming a forbidden namespace return nothing, and live feeds never leak other namespaces', async () => {
    const result = await post(server, `{ executions(filter: { namespace: "${OTHER}" }) { edges { node { id } } } }`, null, {
      key: keys.read,
    });
    expect(result.body).toEqual({ data: { executions: { edges: [] } } });

    const seen: { namespace: string }[] = [];
    const client = keyedClient(server, keys.read);
    client.subscribe({ query: `subscription { events { namespace executionId } }` }, {
      next: (r) => void seen.push((r.data as { events: { namespace: string } }).events),
      error: () => {},
      complete: () => {},
    });
    await new Promise((r) => setTimeout(r, 300)); // let the subscription start from "now"
    const foreign = await fixture(OTHER, 'running');
    const own = await fixture(OWN, 'running');
    await eventually(() => seen.some((e) => e.namespace === OWN), 10_000, 'own events');
    expect(seen.every((e) => e.namespace === OWN)).toBe(true);
    expect(foreign.dbId).not.toBe(own.dbId);
    await client.dispose();
  });
});

/** Dummy literal for a required argument, enough to pass validation. */
function literal(type: GraphQLInputType): string {
  if (isNonNullType(type)) return literal(type.ofType);
  if (isListType(type)) return `[${literal(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const all = Object.values(type.getFields());
    const fields = type.isOneOf ? all.slice(0, 1) : all.filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${literal(f.type)}`).join(', ')} }`;
  }
  switch (type.name) {
    case 'Int':
    case 'Float':
      return '1';
    case 'Boolean':
      return 'true';
    case 'DateTime':
      return '"2026-01-01T00:00:00Z"';
    case 'JSON':
      return '{}';
    case 'ID':
      return `"${encodeGlobalId('Execution', '00000000-0000-4000-8000-000000000000')}"`;
    default:
      return '"x"';
  }
}

function minimalOperation(kind: 'query' | 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>) {
  const args = field.args.filter((a) => isNonNullType(a.type)).map((a) => `${a.name}: ${literal(a.type)}`);
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? ' { __typename }' : '';
  return `${kind} { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
}

describe('fail-closed: every root field of the schema, including ones added later', () => {
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const;
  const fields = roots.flatMap(([kind, type]) => Object.values(type!.getFields()).map((field) => ({ kind, field, label: `${kind}.${field.name}` })));

  /** The scopes a field asks for: its own authScopes, or its root type's. */
  const required = (kind: string, field: GraphQLField<unknown, unknown>): string[] => {
    const options = (field.extensions as { pothosOptions?: { authScopes?: unknown; skipTypeScopes?: boolean } }).pothosOptions;
    const own = options?.authScopes && typeof options.authScopes === 'object' ? Object.keys(options.authScopes) : [];
    if (options?.skipTypeScopes) return own;
    return [...new Set([...own, kind === 'mutation' ? 'ingest' : 'read'])];
  };

  it.each(fields)('$label needs a scope, and a key without it gets FORBIDDEN', async ({ kind, field }) => {
    const scopes = required(kind, field);
    expect(scopes.length, 'every root field must require a scope').toBeGreaterThan(0);
    const wrong = scopes.includes('read') ? keys.ingest : keys.read;
    const operation = minimalOperation(kind, field);
    if (kind === 'subscription') {
      const outcome = await wsOnce(server, wrong, operation);
      expect(outcome.errors?.[0]?.extensions?.code, JSON.stringify(outcome)).toBe('FORBIDDEN');
    } else {
      const response = await post(server, operation, null, { key: wrong });
      expect(codeOf(response), response.text.slice(0, 300)).toBe('FORBIDDEN');
    }
    const anonymous = await post(server, kind === 'subscription' ? '{ __typename }' : operation);
    expect(anonymous.status).toBe(401);
  });
});

describe('HTTP authentication', () => {
  it('401 with WWW-Authenticate: Bearer and UNAUTHENTICATED for a missing, malformed, unknown, revoked or expired key', async () => {
    const cases: [string, Record<string, string>][] = [
      ['missing', {}],
      ['not bearer', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
      ['empty bearer', { authorization: 'Bearer ' }],
      ['unknown', { authorization: `Bearer ${keys.bad}` }],
      ['revoked', { authorization: `Bearer ${keys.revoked}` }],
      ['expired', { authorization: `Bearer ${keys.expired}` }],
    ];
    for (const [label, headers] of cases) {
      const response = await post(server, '{ __typename }', null, { headers });
      expect(response.status, label).toBe(401);
      expect(response.headers.get('www-authenticate'), label).toMatch(/^Bearer realm="runwatch"/);
      expect(codeOf(response), label).toBe('UNAUTHENTICATED');
    }
  });

  it('SSE subscriptions go through the same gate', async () => {
    const sse = (key: string | null) =>
      fetch(`${server.url}?query=${encodeURIComponent('subscription { events { id } }')}`, {
        headers: { accept: 'text/event-stream', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      });
    const denied = await sse(null);
    expect(denied.status).toBe(401);
    await denied.body?.cancel();
    const allowed = await sse(keys.read);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('content-type')).toContain('text/event-stream');
    await allowed.body?.cancel();
  });

  it('accepts RUNWATCH_ADMIN_KEY as an unlimited admin key', async () => {
    const admin = 'bootstrap-admin-key-for-tests-0123456789';
    const other = await startServer({ env: { RUNWATCH_ADMIN_KEY: admin } });
    expect((await post(other, '{ __typename }')).status).toBe(401);
    const created = await post(other, `mutation { createApiKey(input: { name: "first", scopes: [INGEST] }) { key } }`, null, { key: admin });
    expect(created.status).toBe(200);
    const key = (created.body!.data!.createApiKey as { key: string }).key;
    expect(key).toMatch(/^rw_[A-Za-z0-9_-]{43}$/);
    const listed = await post(other, `{ apiKeys { name prefix scopes } }`, null, { key: admin });
    expect(listed.body!.data!.apiKeys).toEqual([{ name: 'first', prefix: key.slice(0, 11), scopes: ['INGEST'] }]);
    expect(JSON.stringify(listed.body)).not.toContain(key);
  });

  it('stores only a hash of each key', async () => {
    const { key, info } = await createKey(server, { name: 'hash-check', scopes: ['read'] });
    const rows = await server.app.database.db.query.apiKeys.findMany();
    const row = rows.find((r) => r.id === info.id)!;
    expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(key);
  });
});

describe('WebSocket authentication', () => {
  it('closes with 4403 on a missing, unknown, revoked or expired key in connection_init', async () => {
    for (const params of [{}, { authorization: `Bearer ${keys.bad}` }, { apiKey: keys.revoked }, { apiKey: keys.expired }, { authorization: 'Token x' }]) {
      const socket = await rawSocket(server);
      socket.send({ type: 'connection_init', payload: params });
      expect((await socket.waitClosed()).code, JSON.stringify(params)).toBe(4403);
    }
  });

  it('accepts the key as { authorization: "Bearer ..." } or { apiKey }', async () => {
    for (const params of [{ authorization: `Bearer ${keys.read}` }, { apiKey: keys.read }]) {
      const socket = await rawSocket(server, params);
      socket.send({ id: '1', type: 'subscribe', payload: { query: '{ __typename }' } });
      await socket.until((m) => m.find((x) => x.id === '1' && x.type === 'next'));
      socket.close();
    }
  });

  it('revoking a key closes its open sockets within seconds (in this process and from another one)', async () => {
    for (const via of ['service', 'other process'] as const) {
      const { key, info } = await createKey(server, { name: `revoke-me-${via}`, scopes: ['read'] });
      const socket = await rawSocket(server, { apiKey: key });
      const bystander = await rawSocket(server, { apiKey: keys.read });
      const started = Date.now();
      if (via === 'service') await server.app.services.auth.keys.revoke(info.id);
      else await createApiKeyService({ db: server.app.database.uncountedDb }).revoke(info.prefix);
      expect((await socket.waitClosed(10_000)).code).toBe(4403);
      expect(Date.now() - started).toBeLessThan(via === 'service' ? 1_000 : 2 * server.config.auth.recheckMs + server.config.auth.cacheMs + 1_000);
      bystander.send({ id: 'still', type: 'subscribe', payload: { query: '{ __typename }' } });
      await bystander.until((m) => m.find((x) => x.id === 'still' && x.type === 'next'));
      bystander.close();
    }
  });
});

describe('protected mode', () => {
  it('allows anonymous full access on loopback while no key exists, and the first key ends it within seconds', async () => {
    const open = await startServer({ env: { AUTH_CACHE_MS: '200', WS_AUTH_RECHECK_MS: '200' } });
    const query = `mutation { createExecution(input: { workflow: "anon", steps: [] }) { id } }`;
    expect((await post(open, query)).body?.data?.createExecution).toBeTruthy();
    expect(codeOf(await post(open, '{ __schema { queryType { name } } }'))).toBeUndefined(); // introspection on here
    const socket = await rawSocket(open, {});

    // Created by another process (the CLI): no in-process notification, only the periodic check.
    const { key } = await createApiKeyService({ db: open.app.database.uncountedDb }).create({ name: 'first', scopes: ['admin'] });
    await eventually(async () => (await post(open, '{ __typename }')).status === 401, 5_000, 'anonymous access to end');
    // The same document, already validated with introspection on, is checked again for a caller it is off for.
    const { key: ingestOnly } = await createApiKeyService({ db: open.app.database.uncountedDb }).create({ name: 'engine', scopes: ['ingest'] });
    expect(codeOf(await post(open, '{ __schema { queryType { name } } }', null, { key }))).toBeUndefined();
    expect(codeOf(await post(open, '{ __schema { queryType { name } } }', null, { key: ingestOnly }))).toBe('FORBIDDEN');
    expect((await socket.waitClosed(5_000)).code).toBe(4403);
    const closedSocket = await rawSocket(open);
    closedSocket.send({ type: 'connection_init', payload: {} });
    expect((await closedSocket.waitClosed()).code).toBe(4403);
  });

  it('once keys exist, allows introspection to keys with the read scope (HTTP and WebSocket) only, and turns GraphiQL off', async () => {
    const introspection = '{ __schema { queryType { name } } }';
    expect((await post(server, introspection, null, { key: keys.read })).body?.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await wsOnce(server, keys.read, introspection)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await wsOnce(server, keys.admin, '{ __type(name: "Execution") { name } }')).data).toEqual({ __type: { name: 'Execution' } });
    expect(codeOf(await post(server, introspection, null, { key: keys.ingest }))).toBe('FORBIDDEN');
    expect((await wsOnce(server, keys.ingest, introspection)).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'INTROSPECTION_DISABLED' });
    const anonymous = await post(server, introspection);
    expect([anonymous.status, codeOf(anonymous)]).toEqual([401, 'UNAUTHENTICATED']);
    const page = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(401);
    await page.body?.cancel();
    const enabled = await startServer({ env: { INTROSPECTION: 'true', GRAPHIQL: 'true', RUNWATCH_ADMIN_KEY: 'x'.repeat(32) } });
    expect(codeOf(await post(enabled, '{ __schema { queryType { name } } }', null, { key: 'x'.repeat(32) }))).toBeUndefined();
    const graphiql = await fetch(enabled.url, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toContain('Runwatch');
  });

  it('refuses to build on a non-loopback HOST with no keys, saying how to create one', async () => {
    const config = testConfig({ HOST: '0.0.0.0', DATABASE_URL: await freshDatabaseUrl() });
    const failure = await buildApp(config).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProtectedModeError);
    expect((failure as Error).message).toContain('npm run keys -- create');
    expect((failure as Error).message).toContain('RUNWATCH_ADMIN_KEY');
  });

  it('starts on a non-loopback HOST once a key is configured', async () => {
    const other = await startServer({ env: { HOST: '0.0.0.0', RUNWATCH_ADMIN_KEY: 'y'.repeat(32) } });
    expect((await post(other, '{ __typename }')).status).toBe(401);
    expect((await post(other, '{ __typename }', null, { key: 'y'.repeat(32) })).status).toBe(200);
  });

  it('the entry point exits 1 with the message instead of starting', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, HOST: '0.0.0.0', PORT: '0', DATABASE_URL: '', DATA_DIR: 'memory://', LOG_LEVEL: 'silent', RUNWATCH_ADMIN_KEY: '', NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(1);
    expect(stderr).toContain('npm run keys -- create');
    expect(stderr).not.toContain('    at ');
  });
});
