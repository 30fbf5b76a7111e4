// `node --import` this file to run the build as the image does (`npm ci --omit=dev`): an import of a
// devDependency from our own code fails, as it would there, even though node_modules has it here.
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const devOnly = new Set(Object.keys(pkg.devDependencies).filter((name) => !(name in pkg.dependencies)));
const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

export async function resolve(specifier, context, nextResolve) {
  const fromOurCode = context.parentURL?.startsWith(root.href) && !context.parentURL.includes('/node_modules/');
  if (fromOurCode && devOnly.has(packageName(specifier))) {
    throw Object.assign(new Error(`${specifier} is a devDependency, missing in a production install`), { code: 'ERR_MODULE_NOT_FOUND' });
  }
  return nextResolve(specifier, context);
}

// Hooks run on a thread of their own, which loads this file again.
if (isMainThread) register(import.meta.url);
