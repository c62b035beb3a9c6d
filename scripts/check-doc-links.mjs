// The API site's links to the project's Markdown (example READMEs, bench
// results) must open rendered pages: typedoc renders the files listed in
// typedoc.json's projectDocuments, and copies any other linked file raw into
// media/. A README linking a Markdown file that is not listed there would
// land as a raw .md download: this check fails the docs build instead.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const site = new URL('../docs-site/', import.meta.url).pathname;
const raw = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith('.html')) {
      for (const [, href] of readFileSync(path, 'utf8').matchAll(/href="([^"]*)"/g)) {
        if (/(^|\/)media\/[^/]*\.md(#|$)/.test(href)) raw.push(`${path.slice(site.length)} -> ${href}`);
      }
    }
  }
};
walk(site);
if (raw.length > 0) {
  console.error('check-doc-links: these links open raw Markdown; add the file to projectDocuments in typedoc.json:');
  for (const line of raw) console.error(`  ${line}`);
  process.exit(1);
}
console.log('check-doc-links: every Markdown link in the API site opens a page');
