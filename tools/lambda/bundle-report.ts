import type { Metafile } from 'esbuild';

/**
 * Nest's HTTP stack has no place in a Lambda bundle (cold start). OpenTelemetry's SDK may be in
 * it: libs/observability imports it only when tracing is configured.
 */
const FORBIDDEN = ['@nestjs/core', '@nestjs/platform-fastify', '@nestjs/terminus', 'fastify'];

/** `…/node_modules/@scope/name/lib/x.js` → `@scope/name`; project sources → undefined. */
export function packageOf(path: string): string | undefined {
  const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return match?.[1];
}

/** Bytes each package contributes to the output, largest first. */
export function heaviestPackages(
  metafile: Metafile,
  count: number,
): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const name = packageOf(path) ?? '(fediflow)';
      totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}

/** The forbidden packages the bundle contains. */
export function forbiddenPackages(metafile: Metafile): string[] {
  const bundled = new Set(Object.keys(metafile.inputs).map(packageOf));
  return FORBIDDEN.filter((name) => bundled.has(name));
}
