import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';
import { StartupError } from '../startup.js';
import type { Logger } from '../logger.js';
import { API_KEY_SCOPES, isUsable, type ApiKeyScope, type ApiKeyService, type StoredKey } from './keys.js';

/** Who is asking: a stored key, the bootstrap admin key, or anonymous (protected loopback mode). */
export interface Principal {
  kind: 'key' | 'bootstrap' | 'anonymous' | 'local';
  /** The stored key's id; 'bootstrap' or 'anonymous' otherwise. Rate limits and socket caps count by it. */
  id: string;
  name: string;
  scopes: ReadonlySet<ApiKeyScope>;
  /** null: every namespace. */
  namespaces: readonly string[] | null;
  /** The secret that authenticated this principal (to re-check open sockets); null when anonymous. */
  secret: string | null;
}

/** `admin` implies every other scope. */
export const hasScope = (principal: Principal, scope: ApiKeyScope) =>
  principal.scopes.has('admin') || principal.scopes.has(scope);

const ALL_SCOPES: ReadonlySet<ApiKeyScope> = new Set(API_KEY_SCOPES);

export const ANONYMOUS: Principal = {
  kind: 'anonymous',
  id: 'anonymous',
  name: 'anonymous (protected loopback mode)',
  scopes: ALL_SCOPES,
  namespaces: null,
  secret: null,
};

/** Another process on the server's PGlite folder (the keys CLI), through its control socket. */
export const LOCAL_ADMIN: Principal = {
  kind: 'local',
  id: 'local',
  name: 'local control socket',
  scopes: ALL_SCOPES,
  namespaces: null,
  secret: null,
};

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1']);

/** 127.0.0.0/8, ::1 and localhost: only this machine can reach a server bound there. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  return LOOPBACK_NAMES.has(h) || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The secret from `Authorization: Bearer <key>`; null when absent or not a bearer credential. */
export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** The secret from a graphql-ws `connection_init` payload: `{ authorization: 'Bearer ...' }` or `{ apiKey }`. */
export function connectionParamsToken(params: Readonly<Record<string, unknown>> | undefined): string | null {
  if (!params) return null;
  const authorization = params.authorization ?? params.Authorization;
  if (typeof authorization === 'string') return bearerToken(authorization) ?? '';
  if (typeof params.apiKey === 'string') return params.apiKey;
  return null;
}

export class ProtectedModeError extends StartupError {
  constructor(host: string) {
    super(
      `Refusing to start: HOST=${host} is reachable from other machines and no API key is configured.\n` +
        '  Create one:   npm run keys -- create --name admin --scopes admin\n' +
        '  or set RUNWATCH_ADMIN_KEY to a long random secret (e.g. `openssl rand -base64 32`),\n' +
        '  or listen on loopback only (HOST=127.0.0.1), where anonymous access is allowed while no key exists.',
    );
    this.name = 'ProtectedModeError';
  }
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; reason: 'missing' | 'invalid' };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Turns bearer secrets into principals. Lookups are cached for `AUTH_CACHE_MS`, so a revocation
 * made by another process (the CLI) takes effect within that time; one made here at once.
 */
export function createAuthenticator(deps: { keys: ApiKeyService; config: Config; logger: Logger; now?: () => Date }) {
  const { keys, config } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'auth' });
  const ttl = config.auth.cacheMs;
  const loopback = isLoopbackHost(config.http.host);
  const bootstrapHash = config.auth.adminKey ? sha256(config.auth.adminKey) : null;
  const cache = new Map<string, { key: StoredKey | null; at: number }>();
  const MAX_CACHE_ENTRIES = 10_000;

  // Keys are never deleted, only revoked: once one exists, anonymous access is over for good.
  let anyKeys = bootstrapHash !== null;
  let anyKeysCheckedAt = 0;
  let anyKeysRefresh: Promise<void> | null = null;

  const refreshAnyKeys = () =>
    (anyKeysRefresh ??= keys
      .counts()
      .then(({ total }) => {
        if (total > 0 && !anyKeys) log.info('an API key exists: anonymous access has ended');
        anyKeys ||= total > 0;
        anyKeysCheckedAt = Date.now();
      })
      .catch((error: unknown) => log.warn({ err: error }, 'could not check for API keys'))
      .finally(() => (anyKeysRefresh = null)));

  keys.onChange(({ kind, key }) => {
    if (kind === 'created') anyKeys = true;
    for (const [secretHash, entry] of cache) if (entry.key === null || entry.key.id === key.id) cache.delete(secretHash);
  });

  async function lookup(secret: string): Promise<StoredKey | null> {
    const cacheKey = sha256(secret).toString('hex');
    const cached = cache.get(cacheKey);
    if (cached && Date.now() - cached.at < ttl) return cached.key;
    const key = await keys.findBySecret(secret);
    // Oldest first, one at a time: a flood of unknown secrets cannot flush the valid keys at once.
    if (cache.size >= MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(cacheKey, { key, at: Date.now() });
    return key;
  }

  async function anonymousAllowed() {
    if (!loopback || anyKeys) return false;
    if (Date.now() - anyKeysCheckedAt >= ttl) await refreshAnyKeys();
    return !anyKeys;
  }

  return {
    /**
     * Checks protected mode before the server listens: on a non-loopback address it needs a usable
     * key. Returns whether anonymous access is on, for the start-up log.
     */
    async prepare(): Promise<{ anonymous: boolean }> {
      const { total, usable } = await keys.counts();
      anyKeys ||= total > 0;
      anyKeysCheckedAt = Date.now();
      if (!loopback && bootstrapHash === null && usable === 0) throw new ProtectedModeError(config.http.host);
      return { anonymous: loopback && !anyKeys };
    },

    /** Anonymous full access is on: loopback and no key at all (as of the last check). */
    get anonymousMode() {
      return loopback && !anyKeys;
    },

    /** `secret` null means the request carried no credential at all. */
    async authenticate(secret: string | null): Promise<AuthResult> {
      if (secret === null) return (await anonymousAllowed()) ? { ok: true, principal: ANONYMOUS } : { ok: false, reason: 'missing' };
      if (secret.length === 0 || secret.length > 512) return { ok: false, reason: 'invalid' };
      if (bootstrapHash && timingSafeEqual(sha256(secret), bootstrapHash)) {
        return {
          ok: true,
          principal: { kind: 'bootstrap', id: 'bootstrap', name: 'RUNWATCH_ADMIN_KEY', scopes: ALL_SCOPES, namespaces: null, secret },
        };
      }
      const key = await lookup(secret);
      if (!key || !isUsable(key, now())) return { ok: false, reason: 'invalid' };
      return {
        ok: true,
        principal: { kind: 'key', id: key.id, name: key.name, scopes: new Set(key.scopes), namespaces: key.namespaces, secret },
      };
    },

    /** Whether a principal authenticated earlier (an open socket's) may still act. */
    async stillValid(principal: Principal): Promise<boolean> {
      const result = await this.authenticate(principal.secret);
      return result.ok;
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

/**
 * Token buckets per principal, in memory (each instance limits on its own): `burst` requests at
 * once, refilled at `perSecond`. Anonymous loopback access is not limited.
 */
export function createRateLimiter(options: { perSecond: number; burst: number }) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** 0 when allowed (a token is taken), otherwise how many ms until one is available. */
    take(principal: Principal): number {
      if (principal.kind === 'anonymous') return 0;
      const t = Date.now();
      const bucket = buckets.get(principal.id) ?? { tokens: options.burst, at: t };
      bucket.tokens = Math.min(options.burst, bucket.tokens + ((t - bucket.at) / 1000) * options.perSecond);
      bucket.at = t;
      if (buckets.size > 10_000) {
        for (const [id, b] of buckets) if (b.tokens >= options.burst) buckets.delete(id);
      }
      buckets.set(principal.id, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - bucket.tokens) / options.perSecond) * 1000);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
