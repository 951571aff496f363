import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatPreviewMarkdown, previewManifests } from './manifests/preview.ts';

const HELP = `Usage: npm run preview -- --base <git-ref> [--output <file>]

Renders every deploy/overlays/* overlay at <git-ref> and in the working tree with
\`kubectl kustomize\` and prints, per environment and per object, what would change, as Markdown
for a pull-request comment. Secret values appear only as digests. Read-only: nothing in the
repository changes.

Options:
  --base <ref>     git ref to compare with (e.g. origin/main); required
  --output <file>  write the Markdown to <file> instead of stdout
  --repo <dir>     repository to preview (default: this workspace)
  --help           show this help

Exit codes: 0 preview produced (with or without changes), 2 it could not be produced.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      base: { type: 'string' },
      output: { type: 'string' },
      repo: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.base) throw new Error('--base <git-ref> is required (see --help)');
  const repoRoot = path.resolve(values.repo ?? path.join(import.meta.dirname, '..'));
  const diffs = await previewManifests({
    repoRoot,
    base: values.base,
    onProgress: (message) => console.error(`preview: ${message}`),
  });
  const markdown = formatPreviewMarkdown(diffs, values.base);
  if (values.output) {
    await writeFile(values.output, markdown);
    const changed = diffs.reduce((sum, diff) => sum + diff.changes.length, 0);
    console.error(`preview: ${changed} changed object(s); written to ${values.output}`);
  } else process.stdout.write(markdown);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`preview-manifests: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
