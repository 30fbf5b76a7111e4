/// <reference lib="dom" />
import { store } from './api.js';

/** A view and its parameters, kept in the URL's hash: shareable, and the back button walks through them. */
export interface Route {
  view: 'overview' | 'executions' | 'execution' | 'metrics' | 'alerts' | 'health';
  id: string | null;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  const [first, second] = path.split('/').map(decodeURIComponent);
  const params = new URLSearchParams(search);
  if (first === 'executions' && second) return { view: 'execution', id: second, params };
  if (first === 'executions' || first === 'metrics' || first === 'alerts' || first === 'health') return { view: first, id: null, params };
  return { view: 'overview', id: null, params };
}

export const route = store(parseRoute(location.hash));
window.addEventListener('hashchange', () => route.set(parseRoute(location.hash)));

export function href(path: string, params?: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) if (value) search.set(key, value);
  const query = search.toString();
  return `#/${path}${query ? `?${query}` : ''}`;
}

export const executionHref = (id: string) => href(`executions/${encodeURIComponent(id)}`);

/** Changes the current view's parameters (filters) in place: no new history entry per keystroke. */
export function replaceParams(params: Record<string, string | null | undefined>) {
  const current = route.get();
  const path = current.view === 'execution' ? `executions/${encodeURIComponent(current.id!)}` : current.view === 'overview' ? '' : current.view;
  const merged: Record<string, string> = Object.fromEntries(current.params);
  for (const [key, value] of Object.entries(params)) {
    if (value) merged[key] = value;
    else delete merged[key];
  }
  history.replaceState(null, '', href(path, merged));
  route.set(parseRoute(location.hash));
}
