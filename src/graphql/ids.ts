import { isUuid } from '../domain/cursors.js';
import { badInput } from '../errors.js';

export type NodeTypename = 'Execution' | 'StepProgress' | 'ExecutionEvent' | 'Alert' | 'Silence' | 'AlertReceiver' | 'AlertRoute' | 'AlertDelivery';

export const encodeGlobalId = (typename: string, id: bigint | number | string) =>
  Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url');

const invalidId = (globalId: string, expected?: string) =>
  badInput(`"${globalId.slice(0, 80)}" is not a valid ${expected ?? 'object'} id`, { field: 'id' });

export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const text = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) throw invalidId(globalId);
  const typename = text.slice(0, colon);
  const id = text.slice(colon + 1);
  // Only the canonical (lower-case) form: ids are compared as strings after decoding.
  const valid = typename === 'ExecutionEvent' ? /^[1-9]\d{0,14}$/.test(id) : isUuid(id) && id === id.toLowerCase();
  if (!valid || encodeGlobalId(typename, id) !== globalId.replace(/=+$/, '')) throw invalidId(globalId);
  return { typename, id };
}

/** The database id behind a global id of the expected type; BAD_USER_INPUT for anything else. */
export function parseId(globalId: string, typename: NodeTypename): string {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalId(globalId);
  } catch {
    throw invalidId(globalId, typename);
  }
  if (decoded.typename !== typename) throw invalidId(globalId, typename);
  return decoded.id;
}
