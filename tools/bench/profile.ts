/** Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time by package and by function. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt } from './services.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  /** Wall time of the summarised window in ms. */
  totalMs: number;
  /** Sampled time that was not idle, in ms. */
  busyMs: number;
  byPackage: { name: string; ms: number; share: number }[];
  byFunction: { name: string; where: string; ms: number; share: number }[];
}

/** Which package (or bucket) a script belongs to: `node_modules/<pkg>`, the app bundle, node. */
function packageOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program: V8/native)';
    return '(native)';
  }
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  if (url.startsWith('node:')) return 'node: core';
  if (url.includes('/dist/apps/')) return 'app bundle (dist/apps/api)';
  return url.replace(/^file:\/\//, '');
}

const shortUrl = (url: string, line: number) => {
  const tail =
    url
      .replace(/^file:\/\//, '')
      .split('/node_modules/')
      .pop() ?? url;
  return `${tail.split('/').slice(-3).join('/')}:${line + 1}`;
};

/**
 * Self time by package and the `top` hottest functions, counting only samples taken between
 * `window.fromMs` and `window.toMs` after the profile started (the load, not the start-up).
 */
export function summariseProfile(
  file: string,
  window: { fromMs: number; toMs: number },
  top = 15,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  // Self time per node from the sample stream (more exact than hitCount × mean interval).
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const from = profile.startTime + window.fromMs * 1000;
  const to = profile.startTime + window.toMs * 1000;
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (at < from || at > to) continue;
    const id = samples[i] as number;
    const delta = deltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, delta));
  }
  const packages = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = packageOf(url, functionName);
    if (pkg === '(idle)') continue;
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const name = functionName || '(anonymous)';
    const where = url ? shortUrl(url, lineNumber) : pkg;
    const key = `${name}@${where}`;
    const entry = functions.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const totalUs = Math.min(to, profile.endTime) - Math.max(from, profile.startTime);
  const busyUs = [...packages.values()].reduce((a, b) => a + b, 0);
  const share = (us: number) => (busyUs > 0 ? us / busyUs : 0);
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    byPackage: [...packages]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: share(us) })),
    byFunction: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: share(f.us) })),
  };
}

/** The one `.cpuprofile` that `node --cpu-prof --cpu-prof-dir=<dir>` wrote. */
export function profileFileIn(dir: string): string {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  return join(dir, file);
}

/** What every bench section prints of a summary: self time by package (the first `packages`), then the hottest functions. */
export function profileLines(
  summary: ProfileSummary,
  packages = summary.byPackage.length,
): string[] {
  const share = (value: number) => fmt(100 * value, 1).padStart(5);
  return [
    ...summary.byPackage.slice(0, packages).map((p) => `  ${share(p.share)}%  ${p.name}`),
    'hottest functions (self time):',
    ...summary.byFunction.map((f) => `  ${share(f.share)}%  ${f.name}  ${f.where}`),
  ];
}
