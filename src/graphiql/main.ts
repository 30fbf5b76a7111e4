/// <reference lib="dom" />
// GraphiQL for this API, bundled with its Monaco workers by src/server/graphiql.ts: nothing from a CDN.
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

interface PageOptions {
  assets: string;
  defaultQuery: string;
}

const options = JSON.parse(document.getElementById('graphiql-options')!.textContent!) as PageOptions;

// Monaco asks for a worker by label; each is a bundle of its own beside this one.
const workers: Record<string, string> = { json: 'json.worker.js', graphql: 'graphql.worker.js' };
(globalThis as { MonacoEnvironment?: object }).MonacoEnvironment = {
  getWorkerUrl: (_moduleId: string, label: string) => `${options.assets}${workers[label] ?? 'editor.worker.js'}`,
};

const endpoint = new URL('/graphql', location.href);
const socket = new URL(endpoint);
socket.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
// Subscriptions run over graphql-ws on the same URL; the headers editor's values (an `authorization`
// header, say) become the socket's connection_init payload, which the server reads the key from.
const fetcher = createGraphiQLFetcher({ url: endpoint.href, subscriptionUrl: socket.href });

const initialQuery = new URLSearchParams(location.search).get('query') ?? undefined;
createRoot(document.getElementById('graphiql')!).render(createElement(GraphiQL, { fetcher, defaultQuery: options.defaultQuery, initialQuery }));
