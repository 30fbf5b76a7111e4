import { isObjectType, lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import { encodeGlobalId } from './ids.js';
import './scalars.js';
import './step.js';
import './event.js';
import './execution.js';
import './ingest.js';
import './metrics.js';
import './retention.js';
import './health.js';
import './alert.js';
import './alert-rule.js';
import './silence.js';
import './notification.js';
import './apikey.js';

/** The whole API, assembled from one file per type. */
export const schema = builder.toSchema();

/*
 * Pothos' relay plugin resolves every node's `id` through an async function: a promise per id, and
 * graphql-jit's slower promise path for each item of a list (see BENCHMARKS.md, design notes). The
 * id of each of these node types is its row's `id` (see their builder.node calls), so it is encoded
 * synchronously instead, with the same encoder.
 */
const NODES_IDENTIFIED_BY_ROW_ID = new Set(['Execution', 'StepProgress', 'ExecutionEvent', 'Alert', 'Silence', 'AlertReceiver', 'AlertRoute', 'AlertDelivery']);
for (const type of Object.values(schema.getTypeMap())) {
  if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === 'Node')) continue;
  const typename = type.name;
  if (!NODES_IDENTIFIED_BY_ROW_ID.has(typename)) throw new Error(`Node type ${typename}: say how its id is encoded (schema.ts)`);
  type.getFields().id!.resolve = (row: { id: string | number }) => encodeGlobalId(typename, row.id);
}

export const printedSchema = () => `${printSchema(lexicographicSortSchema(schema))}\n`;
