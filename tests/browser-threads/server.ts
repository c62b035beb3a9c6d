// The browser suite's own web server for @gochan/threads: it serves the
// repository's packages (their built dist/ and the threads' test goroutines)
// and one page, over HTTP on a free port of 127.0.0.1.
//
// - `isolated`: the page and every file come with COOP/COEP
//   (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy:
//   require-corp), which make the page cross-origin isolated and give it
//   SharedArrayBuffer; without them the page is not isolated.
// - `resolveInWorkers`: the page resolves `@gochan/*` through its import map,
//   but a module worker does not use the page's import map (Chromium 156
//   does not), so a thread's modules, which import `@gochan/channel`, load
//   only if the server resolves those specifiers itself: with this option it
//   rewrites `'@gochan/name'` in every served module to
//   `'/packages/name/dist/index.js'`, as the import map maps it (the job a
//   bundler or a dev server such as Vite does). Without it the threads'
//   modules fail to load, as on a plain static server.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, normalize } from 'node:path';
import { root } from '../support/repo.ts';

export interface PageServer {
  /** The page's URL. */
  readonly url: string;
  close(): Promise<void>;
}

const types: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.map': 'application/json',
  '.html': 'text/html',
};

/** The page: @gochan/threads and @gochan/channel from the import map, on `window.gochan` for the tests. */
const page = `<!doctype html>
<meta charset="utf-8">
<title>@gochan/threads</title>
<script type="importmap">
{ "imports": {
  "@gochan/channel": "/packages/channel/dist/index.js",
  "@gochan/context": "/packages/context/dist/index.js",
  "@gochan/threads": "/packages/threads/dist/index.js"
} }
</script>
<script type="module">
  import * as channel from '@gochan/channel';
  import * as threads from '@gochan/threads';
  window.gochan = { channel, threads };
</script>
`;

/** Starts the server; `close()` stops it. */
export async function servePage(options: { isolated: boolean; resolveInWorkers: boolean }): Promise<PageServer> {
  const headers: Record<string, string> = options.isolated
    ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
    : {};
  const server: Server = createServer((request, response) => {
    void respond(request.url ?? '/').then(
      ([status, type, body]) => {
        response.writeHead(status, { ...headers, 'content-type': type, 'cache-control': 'no-store' });
        response.end(body);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      },
    );
  });
  async function respond(url: string): Promise<[number, string, string | Buffer]> {
    const path = decodeURIComponent(new URL(url, 'http://localhost').pathname);
    if (path === '/' || path === '/index.html') return [200, 'text/html', page];
    // Only the packages' built files and the threads' goroutines: nothing else of the disk.
    const file = normalize(path).replace(/^\/+/, '');
    if (!/^packages\/[a-z-]+\/(dist|test-goroutines)\//.test(file) || file.includes('..')) return [404, 'text/plain', 'not served'];
    const type = types[extname(file)] ?? 'application/octet-stream';
    let body: Buffer;
    try {
      body = await readFile(`${root}${file}`);
    } catch {
      return [404, 'text/plain', 'no such file'];
    }
    if (type === 'text/javascript' && options.resolveInWorkers) {
      return [200, type, body.toString('utf8').replace(/(['"])@gochan\/([a-z-]+)\1/g, '$1/packages/$2/dist/index.js$1')];
    }
    return [200, type, body];
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('servePage: no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
