import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { GraphiQLOptions } from 'graphql-yoga';
import { bundleFiles, sendBundleFile, type WebBundle } from './bundles.js';

export const GRAPHIQL_ASSET_PREFIX = '/graphiql/';

/**
 * GraphiQL 5 and the three Monaco workers it asks for (editor, JSON, GraphQL), bundled by esbuild and
 * served by this server under GRAPHIQL_ASSET_PREFIX: it works offline.
 */
export const graphiqlBundle: WebBundle = {
  name: 'graphiql',
  build: () => {
    const resolve = createRequire(import.meta.url).resolve;
    return {
      entryPoints: {
        graphiql: fileURLToPath(new URL('../graphiql/main.ts', import.meta.url)),
        'editor.worker': resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
        'json.worker': resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
        'graphql.worker': resolve('monaco-graphql/esm/graphql.worker.js'),
      },
      // Monaco starts its workers as modules (`new Worker(url, { type: 'module' })`).
      format: 'esm',
      loader: { '.ttf': 'file' },
      assetNames: '[name]-[hash]',
      publicPath: GRAPHIQL_ASSET_PREFIX,
      define: { 'process.env.NODE_ENV': '"production"' },
    };
  },
};

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The GraphiQL page: the bundle above, opening on `defaultQuery` (or the page's `?query=`). */
export function renderGraphiQL(options: GraphiQLOptions): string {
  const base = GRAPHIQL_ASSET_PREFIX;
  const pageOptions = JSON.stringify({ assets: base, defaultQuery: options.defaultQuery ?? '' }).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="${base}graphiql.css">
<style>body { margin: 0; } #graphiql { height: 100dvh; }</style></head>
<body><div id="graphiql">Loading…</div>
<script id="graphiql-options" type="application/json">${pageOptions}</script>
<script type="module" src="${base}graphiql.js"></script>
</body></html>`;
}

/** Serves the GraphiQL bundle's files under GRAPHIQL_ASSET_PREFIX (404 for any other name). */
export function createGraphiQLAssets() {
  const files = bundleFiles(graphiqlBundle);
  return async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const name = path.slice(GRAPHIQL_ASSET_PREFIX.length);
    const file = (await files()).get(name);
    if (file) sendBundleFile(req, res, name, file);
    else res.writeHead(404).end();
  };
}

/** What GraphiQL opens with: a tour of the API, subscription included. */
const GRAPHIQL_EXAMPLE = `# Welcome to Runwatch. Run the operations below in order (pick one with the play button).

mutation CreateExecution {
  createExecution(input: {
    workflow: "deploy-service"
    externalId: "run-1"
    steps: [
      { name: "build", type: "script" }
      { name: "approve", type: "approval" }
      { name: "rollout", type: "http" }
    ]
    slaMs: 600000
  }) { id status steps { id name status } }
}

query ActiveExecutions {
  activeExecutions { executionId status progressPercent currentStep { name status } elapsedMs }
}

query RecentExecutions {
  executions(first: 10) {
    edges { cursor node { id workflow status durationMs progress { progressPercent completedSteps totalSteps } } }
    pageInfo { hasNextPage endCursor }
  }
}

query EventLog {
  events(first: 20) { edges { node { seq type executionId data timestamp } } pageInfo { endCursor } }
}

# Open a second tab, run this, then start the execution and its steps from the first tab.
subscription LiveEvents {
  events { cursor seq type executionId stepId data timestamp }
}
`;

/** GraphiQL for this API, opening on the tour above. */
export const GRAPHIQL_OPTIONS: GraphiQLOptions = { title: 'Runwatch', defaultQuery: GRAPHIQL_EXAMPLE };
