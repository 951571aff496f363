import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** What NodeInfo and the User-Agent say when no FediFlow package.json is found. */
export const UNKNOWN_VERSION = '0.0.0';

/** The version in `directory`'s package.json when that file is FediFlow's. */
function versionIn(directory: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
    const ours =
      manifest.name === 'fediflow' ||
      (typeof manifest.name === 'string' && manifest.name.startsWith('@fediflow/'));
    return ours && typeof manifest.version === 'string' && manifest.version !== ''
      ? manifest.version
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * FediFlow's version, as NodeInfo and the outgoing User-Agent report it: from the nearest
 * FediFlow package.json at or above the working directory. In the image that is
 * `/app/package.json` (tools/images/production-manifest.ts writes it with the root version); in
 * development and tests, the repository's own (also when a tool runs in a project folder).
 * Reads files: call it once at start-up.
 */
export function fediflowVersion(directory: string = process.cwd()): string {
  for (let current = resolve(directory); ; current = dirname(current)) {
    const version = versionIn(current);
    if (version) return version;
    if (dirname(current) === current) return UNKNOWN_VERSION;
  }
}
