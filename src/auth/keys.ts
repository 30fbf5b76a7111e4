import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { countKeys, insertKey, keysById, keysByPrefix, listKeys, revokeKey, useKeyByHash } from '../db/keys.js';
import type { ApiKeyRow } from '../db/schema.js';
import { badInput, DomainError, notFound } from '../errors.js';

export const API_KEY_SCOPES = ['read', 'ingest', 'alerts:write', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** A scope's name in the GraphQL enum ApiKeyScope: `alerts:write` is ALERTS_WRITE. */
export const scopeEnumName = (scope: ApiKeyScope) => scope.replace(':', '_').toUpperCase();
/** The scope of an ApiKeyScope enum name, if it is one. */
export const scopeOfEnumName = (name: string) => API_KEY_SCOPES.find((scope) => scopeEnumName(scope) === name);

const KEY_PREFIX = 'rw_';
/** `rw_` and the first 8 characters of the secret: enough to tell keys apart, useless to guess one. */
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 8;

/** What listings show of a key: never the key nor its hash. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  /** null: every namespace. */
  namespaces: string[] | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** A stored key as authentication needs it. */
export type StoredKey = ApiKeyInfo;

/** A new random bearer key: `rw_` + 32 random bytes in base64url (256 bits). */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * Keys are 256 random bits, so a plain SHA-256 is enough: a slow password hash (bcrypt, scrypt)
 * defends low-entropy secrets against guessing, and nobody can enumerate 2^256 candidates. A fast
 * hash also lets every request find its key by an indexed equality lookup.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const namespaceName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_", ":" or "-"');

const createInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, `name at least one of ${API_KEY_SCOPES.join(', ')}`),
  namespaces: z.array(namespaceName).min(1, 'leave out for every namespace, or name at least one').nullish(),
  expiresAt: z.date().nullish(),
});
export type CreateApiKeyInput = z.input<typeof createInput>;

const toInfo = (row: ApiKeyRow): ApiKeyInfo => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes.filter((s): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s)),
  namespaces: row.namespaces,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  revokedAt: row.revokedAt,
  lastUsedAt: row.lastUsedAt,
});

export interface ApiKeyServiceOptions {
  db: Db;
  now?: () => Date;
}

/** Creates, lists, revokes and finds API keys. Knows nothing of GraphQL or HTTP. */
export function createApiKeyService({ db, now = () => new Date() }: ApiKeyServiceOptions) {
  const listeners = new Set<(change: { kind: 'created' | 'revoked'; key: ApiKeyInfo }) => void>();
  const emit = (kind: 'created' | 'revoked', key: ApiKeyInfo) => {
    for (const listener of listeners) listener({ kind, key });
  };

  return {
    /** Creates a key; the returned `key` is the only time the secret exists outside its holder. */
    async create(raw: CreateApiKeyInput): Promise<{ key: string; info: ApiKeyInfo }> {
      const parsed = createInput.safeParse(raw);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
        throw badInput(problems.map((p) => `${p.field}: ${p.message}`).join('; '), { problems });
      }
      const input = parsed.data;
      const key = generateApiKey();
      const row = await insertKey(db, {
        id: randomUUID(),
        name: input.name,
        prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
        keyHash: hashApiKey(key),
        scopes: [...new Set(input.scopes)],
        namespaces: input.namespaces ? [...new Set(input.namespaces)] : null,
        createdAt: now(),
        expiresAt: input.expiresAt ?? null,
      });
      const info = toInfo(row);
      emit('created', info);
      return { key, info };
    },

    async list(): Promise<ApiKeyInfo[]> {
      return (await listKeys(db)).map(toInfo);
    },

    /** Revokes by id or by the shown prefix; revoking twice keeps the first revocation time. */
    async revoke(idOrPrefix: string): Promise<ApiKeyInfo> {
      const ref = idOrPrefix.trim();
      const byId = z.uuid().safeParse(ref).success;
      const matches = byId ? await keysById(db, ref) : ref.length >= 6 ? await keysByPrefix(db, ref) : [];
      if (matches.length === 0) throw notFound('API key', ref);
      if (matches.length > 1) {
        throw new DomainError('BAD_USER_INPUT', `"${ref}" matches ${matches.length} keys; use the id`, {
          ids: matches.map((m) => m.id),
        });
      }
      const target = matches[0]!;
      const info = toInfo((await revokeKey(db, target.id, now())) ?? target);
      emit('revoked', info);
      return info;
    },

    /** The key with this secret, revoked or not (the caller decides), marking it used. */
    async findBySecret(secret: string): Promise<StoredKey | null> {
      const row = await useKeyByHash(db, hashApiKey(secret), now());
      return row ? toInfo(row) : null;
    },

    /** How many keys exist at all, and how many can authenticate right now. */
    counts(): Promise<{ total: number; usable: number }> {
      return countKeys(db, now());
    },

    /** In-process notification after a key is created or revoked here. */
    onChange(listener: (change: { kind: 'created' | 'revoked'; key: ApiKeyInfo }) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;

/** A key is usable when it is neither revoked nor past its expiry. */
export function isUsable(key: Pick<ApiKeyInfo, 'revokedAt' | 'expiresAt'>, at: Date): boolean {
  return key.revokedAt === null && (key.expiresAt === null || key.expiresAt.getTime() > at.getTime());
}
