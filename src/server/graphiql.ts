import { createReadStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import type { GraphiQLOptions } from 'graphql-yoga';

/** GraphiQL's assets come from the @graphql-yoga/graphiql package, not a CDN: it works offline. */
const assetsDir = join(dirname(createRequire(import.meta.url).resolve('@graphql-yoga/graphiql/package.json')), 'dist');
const ASSETS: Record<string, string> = {
  'graphiql.css': 'text/css',
  'yoga-graphiql.umd.js': 'text/javascript',
  'monacoeditorwork/editor.worker.bundle.js': 'text/javascript',
  'monacoeditorwork/json.worker.bundle.js': 'text/javascript',
  'monacoeditorwork/graphql.worker..bundle.js': 'text/javascript',
};
export const GRAPHIQL_ASSET_PREFIX = '/graphiql/';

/** The GraphiQL page; its assets come from this server, under GRAPHIQL_ASSET_PREFIX. */
export function renderGraphiQL(options: GraphiQLOptions): string {
  const base = GRAPHIQL_ASSET_PREFIX;
  const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const opts = JSON.stringify(options).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="${base}graphiql.css"></head>
<body id="body" class="no-focus-outline"><div id="root">Loading…</div>
<script>
const workerUrls = { editorWorkerService: '${base}monacoeditorwork/editor.worker.bundle.js', json: '${base}monacoeditorwork/json.worker.bundle.js', graphql: '${base}monacoeditorwork/graphql.worker..bundle.js' };
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_id, label) => workerUrls[label] };
</script>
<script src="${base}yoga-graphiql.umd.js"></script>
<script>
// This GraphiQL build takes its first editor content from \`query\` (which beats ?query=), not \`defaultQuery\`.
const options = ${opts};
if (!new URL(location.href).searchParams.get('query') && options.defaultQuery) options.query = options.defaultQuery;
YogaGraphiQL.renderYogaGraphiQL(root, options);
</script>
</body></html>`;
}

/** Serves the allow-listed GraphiQL assets; false when the path is not one of them. */
export function serveGraphiQLAsset(path: string, res: ServerResponse): boolean {
  const name = path.slice(GRAPHIQL_ASSET_PREFIX.length);
  const type = ASSETS[name];
  const file = join(assetsDir, name);
  if (!type || !existsSync(file)) return false;
  res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'public, max-age=86400' });
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
  return true;
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

/** GraphiQL for this API: subscriptions over graphql-ws, opening on the tour above. */
export const GRAPHIQL_OPTIONS: GraphiQLOptions = { title: 'Runwatch', subscriptionsProtocol: 'WS', defaultQuery: GRAPHIQL_EXAMPLE };
