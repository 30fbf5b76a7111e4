/**
 * API key management: `npm run keys -- create --name ci-engine --scopes ingest --namespaces payments`,
 * `npm run keys -- list`, `npm run keys -- revoke <id|prefix>`. Uses the server's database
 * (DATABASE_URL, or PGlite in DATA_DIR). PGlite allows one process per folder: while a server holds
 * it, the CLI asks that server through its control socket, so a revocation applies there at once.
 */
import { parseArgs } from 'node:util';
import { API_KEY_SCOPES, createApiKeyService, scopeEnumName, scopeOfEnumName, type ApiKeyInfo, type ApiKeyScope } from '../src/auth/keys.js';
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { lockOwner } from '../src/db/data-dir-lock.js';
import { DomainError } from '../src/errors.js';
import { createLogger } from '../src/logger.js';
import { askControlSocket } from '../src/server/control-socket.js';
import { StartupError } from '../src/startup.js';

const USAGE = `Usage:
  npm run keys -- create --name <name> --scopes <read,ingest,alerts:write,admin> [--namespaces <a,b>] [--expires <ISO date | 30d | 12h>]
  npm run keys -- list [--json]
  npm run keys -- revoke <id | prefix>`;

const list = (value: string | undefined) => (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);

function parseExpiry(value: string | undefined): Date | null {
  if (!value) return null;
  const relative = /^(\d+)([dhm])$/.exec(value);
  const date = relative
    ? new Date(Date.now() + Number(relative[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm'])
    : new Date(value);
  if (Number.isNaN(date.getTime())) throw new DomainError('BAD_USER_INPUT', `--expires: "${value}" is not a date or a duration like 30d`);
  if (date.getTime() <= Date.now()) throw new DomainError('BAD_USER_INPUT', '--expires must be in the future');
  return date;
}

const describe = (k: ApiKeyInfo) =>
  [
    k.id,
    k.prefix.padEnd(11),
    k.name,
    `scopes=${k.scopes.join(',')}`,
    `namespaces=${k.namespaces?.join(',') ?? '*'}`,
    k.revokedAt ? `REVOKED ${k.revokedAt.toISOString()}` : k.expiresAt ? `expires ${k.expiresAt.toISOString()}` : 'no expiry',
    k.lastUsedAt ? `last used ${k.lastUsedAt.toISOString()}` : 'never used',
  ].join('  ');

type KeyStore = Pick<ReturnType<typeof createApiKeyService>, 'create' | 'list' | 'revoke'>;

const KEY_FIELDS = 'id name prefix scopes namespaces createdAt expiresAt revokedAt lastUsedAt';
const date = (value: unknown) => (value ? new Date(String(value)) : null);
const fromGraphQL = (k: Record<string, unknown>): ApiKeyInfo => ({
  ...(k as unknown as ApiKeyInfo),
  scopes: (k.scopes as string[]).map((s) => scopeOfEnumName(s) as ApiKeyScope),
  createdAt: date(k.createdAt)!,
  expiresAt: date(k.expiresAt),
  revokedAt: date(k.revokedAt),
  lastUsedAt: date(k.lastUsedAt),
});

/** The same operations through a running server's admin API, on its control socket. */
function remoteKeyStore(socket: string): KeyStore {
  const ask = async <T>(query: string, variables?: Record<string, unknown>) => {
    try {
      return await askControlSocket<T>(socket, query, variables);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code && code !== 'INTERNAL') throw new DomainError(code as never, (error as Error).message);
      throw error;
    }
  };
  return {
    async create(input) {
      const { createApiKey } = await ask<{ createApiKey: { key: string; apiKey: Record<string, unknown> } }>(
        `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { ${KEY_FIELDS} } } }`,
        { input: { ...input, scopes: input.scopes.map(scopeEnumName), expiresAt: input.expiresAt?.toISOString() ?? null } },
      );
      return { key: createApiKey.key, info: fromGraphQL(createApiKey.apiKey) };
    },
    async list() {
      const { apiKeys } = await ask<{ apiKeys: Record<string, unknown>[] }>(`{ apiKeys { ${KEY_FIELDS} } }`);
      return apiKeys.map(fromGraphQL);
    },
    async revoke(ref) {
      const { revokeApiKey } = await ask<{ revokeApiKey: Record<string, unknown> }>(
        `mutation ($id: ID!) { revokeApiKey(id: $id) { ${KEY_FIELDS} } }`,
        { id: ref },
      );
      return fromGraphQL(revokeApiKey);
    },
  };
}

/** The key store: the database itself, or the server that holds the PGlite folder. */
async function openKeyStore(config: Config): Promise<{ keys: KeyStore; close(): Promise<void> }> {
  const owner = config.database.url || config.database.dataDir.startsWith('memory://') ? null : lockOwner(config.database.dataDir);
  if (owner?.controlSocket) return { keys: remoteKeyStore(owner.controlSocket), close: async () => {} };
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, poolSize: 1, connectTimeoutMs: config.health.dbTimeoutMs, logger: createLogger(config) });
  return { keys: createApiKeyService({ db: database.db }), close: () => database.close() };
}

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      namespaces: { type: 'string' },
      expires: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command || !['create', 'list', 'revoke'].includes(command)) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }

  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL || 'warn' });
  const store = await openKeyStore(config);
  try {
    const { keys } = store;
    if (command === 'create') {
      const scopes = list(values.scopes);
      const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
      if (!values.name || scopes.length === 0 || unknown.length > 0) {
        console.error(`${unknown.length ? `Unknown scope(s): ${unknown.join(', ')}\n` : ''}${USAGE}`);
        return 2;
      }
      const namespaces = list(values.namespaces);
      const { key, info } = await keys.create({
        name: values.name,
        scopes: scopes as (typeof API_KEY_SCOPES)[number][],
        namespaces: namespaces.length ? namespaces : null,
        expiresAt: parseExpiry(values.expires),
      });
      if (values.json) console.log(JSON.stringify({ key, ...info }));
      else {
        console.log(`Created ${describe(info)}\n`);
        console.log(`  ${key}\n`);
        console.log('This is the only time the key is shown. Send it as `Authorization: Bearer <key>`,');
        console.log('or in graphql-ws connection_init as { "authorization": "Bearer <key>" }.');
      }
    } else if (command === 'list') {
      const all = await keys.list();
      if (values.json) console.log(JSON.stringify(all));
      else if (all.length === 0) console.log('No API keys. Anonymous access is allowed only while the server listens on loopback.');
      else for (const k of all) console.log(describe(k));
    } else {
      const ref = rest[0];
      if (!ref) {
        console.error(USAGE);
        return 2;
      }
      const info = await keys.revoke(ref);
      if (values.json) console.log(JSON.stringify(info));
      else console.log(`Revoked ${describe(info)}\nOpen WebSockets using it close within seconds.`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (
    error instanceof DomainError ||
    error instanceof StartupError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    console.error((error as Error).message);
    process.exitCode = 1;
  } else throw error;
}
