import type { TargetResult } from './validate.ts';

export function formatTargetLine(result: TargetResult): string {
  const { target, findings } = result;
  const status = findings.length === 0 ? 'ok  ' : 'FAIL';
  return `${status} ${target.name.padEnd(28)} ${String(target.objects.length).padStart(3)} objects  rendered in ${Math.round(target.renderMs)} ms${findings.length ? `  ${findings.length} finding(s)` : ''}`;
}

/** One line per finding: where (target, object, field), which rule, what is wrong. */
export function formatFindings(results: readonly TargetResult[]): string[] {
  return results.flatMap(({ findings }) =>
    findings.map(
      (finding) =>
        `  ✗ [${finding.rule}] ${finding.target} ${finding.object} ${finding.field}: ${finding.message}`,
    ),
  );
}

export function formatSummary(
  results: readonly TargetResult[],
  ruleCount: number,
  elapsedMs: number,
): string {
  const failed = results.filter((result) => result.findings.length > 0);
  const findings = results.reduce((sum, result) => sum + result.findings.length, 0);
  const objects = results.reduce((sum, result) => sum + result.target.objects.length, 0);
  const head =
    failed.length === 0
      ? 'All manifests valid'
      : `${findings} finding(s) in ${failed.length} of ${results.length} targets`;
  return `${head}: ${results.length} targets, ${objects} objects, schema + strict fields + ${ruleCount} policy rules, ${(elapsedMs / 1000).toFixed(1)} s`;
}
