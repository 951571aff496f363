import type { Violation } from './types.ts';

export interface Summary {
  files: number;
  modules: number;
  rules: number;
  violations: Violation[];
  fmt: string;
  durationMs: number;
}

export function formatViolation(v: Violation): string {
  const where = v.line === undefined ? v.file : `${v.file}:${v.line}`;
  return `  ${v.ruleId.padEnd(26)} ${where}  [${v.block}]\n  ${' '.repeat(26)} ${v.message}`;
}

/** Violations grouped by file, then one summary line. */
export function formatReport(summary: Summary): string {
  const lines: string[] = [];
  const sorted = [...summary.violations].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.ruleId.localeCompare(b.ruleId),
  );
  if (sorted.length > 0) {
    lines.push('', 'Violations:');
    for (const violation of sorted) lines.push(formatViolation(violation));
  }
  const byRule = new Map<string, number>();
  for (const v of sorted) byRule.set(v.ruleId, (byRule.get(v.ruleId) ?? 0) + 1);
  const perRule = [...byRule].map(([rule, count]) => `${rule}×${count}`).join(', ');
  lines.push(
    '',
    `Summary: ${summary.files} files, ${summary.modules} module directories, ${summary.rules} policy rules, fmt ${summary.fmt}, ` +
      `${sorted.length} violation${sorted.length === 1 ? '' : 's'}${perRule ? ` (${perRule})` : ''} in ${summary.durationMs} ms`,
  );
  return lines.join('\n');
}
