import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The console's static files, served by this process from the npm package (htmx) and this folder
 * (our CSS and icon): no CDN, no web font, nothing a browser in mainland China could fail to load.
 * Each URL carries a hash of its content, so the files are cached for good and a new version is
 * a new URL.
 */
const require = createRequire(import.meta.url);

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly url: string;
}

function asset(name: string, body: Buffer, type: string): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  return { body, type, url: `/console/assets/${name}?v=${hash}` };
}

const files = {
  htmx: asset(
    'htmx.min.js',
    readFileSync(require.resolve('htmx.org/dist/htmx.min.js')),
    'text/javascript; charset=utf-8',
  ),
  css: asset(
    'console.css',
    readFileSync(new URL('./assets/console.css', import.meta.url)),
    'text/css; charset=utf-8',
  ),
  icon: asset('icon.svg', readFileSync(new URL('./assets/icon.svg', import.meta.url)), 'image/svg+xml'),
} as const;

export const CONSOLE_ASSETS = {
  htmx: files.htmx.url,
  css: files.css.url,
  icon: files.icon.url,
} as const;

/** By file name (the path without the version query). */
export const ASSET_FILES: ReadonlyMap<string, Asset> = new Map(
  Object.values(files).map((file) => [file.url.slice('/console/assets/'.length).split('?')[0] ?? '', file]),
);
