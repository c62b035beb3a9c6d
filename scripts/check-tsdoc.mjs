// Runs after typedoc (`pnpm run docs`) on the JSON it wrote beside the site.
// typedoc's validation already fails on an undocumented export; this checks
// what it cannot: that each exported name's doc comment starts with that
// name, as Go's doc comments do ("Channel is Go's `chan T`..."), and it lists
// the exports whose comment never mentions Go, since each should name its Go
// counterpart where one exists (a pool's stats type may have none).
import { readFileSync } from 'node:fs';

const apiJson = new URL('../docs-site/api.json', import.meta.url);
const project = JSON.parse(readFileSync(apiJson, 'utf8'));

const misnamed = [];
const noGo = [];
for (const module of project.children ?? []) {
  for (const reflection of module.children ?? []) {
    const where = `${module.name}: ${reflection.name}`;
    const comment = reflection.comment ?? reflection.signatures?.find((signature) => signature.comment)?.comment;
    // An export with no comment at all is typedoc's to report (notDocumented).
    if (!comment) continue;
    const summary = text(comment.summary);
    const firstWord = summary.trimStart().replaceAll('`', '').split(/[^\w$]/, 1)[0];
    if (firstWord !== reflection.name) misnamed.push(`${where} — starts "${summary.trim().split('\n', 1)[0].slice(0, 60)}"`);
    const whole = [summary, ...(comment.blockTags ?? []).map((tag) => text(tag.content))].join('\n');
    if (!/\bGo\b/.test(whole)) noGo.push(where);
  }
}

if (noGo.length) {
  console.warn(`Exports whose doc comment never mentions Go (name the Go counterpart where there is one):\n  ${noGo.join('\n  ')}`);
}
if (misnamed.length) {
  console.error(`Doc comments must start with the name they document:\n  ${misnamed.join('\n  ')}`);
  process.exit(1);
}
console.log('check-tsdoc: every exported doc comment starts with its name');

/** The plain text of a typedoc comment's parts. */
function text(parts) {
  return (parts ?? []).map((part) => part.text).join('');
}
