/**
 * Writes released image digests into an environment's overlay (the release workflow then opens a
 * pull request with the change): npx tsx tools/promote-images.ts --help
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_REGISTRY, SERVICES } from './images/docker-build.ts';
import { PromotionError, parseReleased, promote } from './images/promote.ts';

const HELP = `Usage: npx tsx tools/promote-images.ts --environment <staging|production> --digests <dir> [--dry-run]

Sets newTag (the commit) and digest of each image in deploy/overlays/<environment>/kustomization.yaml
from the digest-<service>.json records the image workflow uploads (.github/workflows/images.yml).
Services without a record keep what they had. .github/workflows/promote.yml runs it and opens a PR.

Options:
  --environment <name>  overlay to update (staging or production; dr follows production)
  --digests <dir>       directory holding digest-<service>.json files
  --registry <prefix>   image repository prefix (default $IMAGE_REGISTRY or ${DEFAULT_REGISTRY})
  --dry-run             print the new kustomization instead of writing it
  --help                show this help

Exit codes: 0 written (or nothing to change), 2 bad arguments or records.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      environment: { type: 'string' },
      digests: { type: 'string' },
      registry: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (
    !values.environment ||
    !['staging', 'production'].includes(values.environment) ||
    !values.digests
  )
    throw new PromotionError('--environment staging|production and --digests <dir> are required');
  const files = (await readdir(values.digests)).filter((file) => /^digest-.+\.json$/.test(file));
  if (!files.length) throw new PromotionError(`no digest-<service>.json in ${values.digests}`);
  const released = await Promise.all(
    files.map(async (file) =>
      parseReleased(await readFile(path.join(values.digests!, file), 'utf8'), SERVICES),
    ),
  );
  const overlay = path.resolve(
    import.meta.dirname,
    '..',
    'deploy',
    'overlays',
    values.environment,
    'kustomization.yaml',
  );
  const registry = values.registry ?? process.env['IMAGE_REGISTRY'] ?? DEFAULT_REGISTRY;
  const { text, changed } = promote(await readFile(overlay, 'utf8'), registry, released);
  if (values['dry-run']) console.log(text);
  else if (changed.length) await writeFile(overlay, text);
  console.log(
    changed.length
      ? `${values.environment}: ${changed.join(', ')}`
      : `${values.environment}: already at these digests`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`promote-images: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
