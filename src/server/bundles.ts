import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { extname, join, relative } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { prebuiltPagesFolder } from '../paths.js';

/** A page's browser code: what esbuild builds, and the files served from its output. */
export interface WebBundle {
  /** Its folder under dist/public in the build. */
  name: string;
  /** esbuild's options for it (bundled, in memory). */
  build: () => BuildOptions;
  /** Turns esbuild's output files into the files served (the dashboard inlines its script in its page). */
  finish?: (files: Map<string, Uint8Array>) => Map<string, Uint8Array>;
}

/** One served file: its contents and the ETag a browser revalidates it with. */
export interface BundleFile {
  contents: Uint8Array;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
};

/** Builds a bundle with esbuild, in memory: file name (relative to its folder) -> contents. */
export async function buildBundle(bundle: WebBundle): Promise<Map<string, Uint8Array>> {
  // esbuild is a development dependency: the production build serves the prebuilt files instead.
  const { build } = await import('esbuild');
  const outdir = '/bundle';
  const result = await build({ bundle: true, minify: true, target: 'es2022', platform: 'browser', logLevel: 'silent', ...bundle.build(), outdir, write: false });
  const files = new Map(result.outputFiles.map((file) => [relative(outdir, file.path), file.contents] as const));
  return bundle.finish ? bundle.finish(files) : files;
}

async function readPrebuilt(folder: string): Promise<Map<string, Uint8Array>> {
  const names = await readdir(folder);
  return new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(folder, name))] as const)));
}

/**
 * A bundle's files as served: in the build, the ones `npm run build` wrote to dist/public/<name>; from
 * the sources, built in memory on first use (a failed build is tried again on the next request).
 */
export function bundleFiles(bundle: WebBundle): () => Promise<Map<string, BundleFile>> {
  let files: Promise<Map<string, BundleFile>> | null = null;
  const load = async () => {
    const raw = prebuiltPagesFolder ? await readPrebuilt(join(prebuiltPagesFolder, bundle.name)) : await buildBundle(bundle);
    const etag = (contents: Uint8Array) => `"${createHash('sha1').update(contents).digest('base64url')}"`;
    return new Map([...raw].map(([name, contents]) => [name, { contents, etag: etag(contents) }] as const));
  };
  return () =>
    (files ??= load().catch((error: unknown) => {
      files = null;
      throw error;
    }));
}

/** Answers a GET or HEAD with one bundle file (304 when the browser has it already). */
export function sendBundleFile(req: IncomingMessage, res: ServerResponse, name: string, file: BundleFile, headers: OutgoingHttpHeaders = {}) {
  const common = { etag: file.etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', ...headers };
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, common).end();
    return;
  }
  res.writeHead(200, { ...common, 'content-type': TYPES[extname(name)] ?? 'application/octet-stream', 'content-length': file.contents.length });
  res.end(req.method === 'HEAD' ? undefined : file.contents);
}
