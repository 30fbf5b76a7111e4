import { readFileSync, writeFileSync } from 'node:fs';
import { printedSchema } from '../src/graphql/schema.js';

const file = new URL('../schema/schema.graphql', import.meta.url);

if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== printedSchema()) {
    console.error('schema/schema.graphql is out of date: run `npm run schema:print` and commit it');
    process.exit(1);
  }
  console.log('schema/schema.graphql is current');
} else {
  writeFileSync(file, printedSchema());
  console.log('schema/schema.graphql written');
}
