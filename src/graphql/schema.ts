import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './step.js';
import './event.js';
import './execution.js';
import './ingest.js';
import './metrics.js';
import './monitoring.js';
import './apikey.js';

/** The whole API, assembled from one file per type. */
export const schema = builder.toSchema();

export const printedSchema = () => `${printSchema(lexicographicSortSchema(schema))}\n`;
