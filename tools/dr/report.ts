/** The drill report: one JSON document and the same as Markdown, plus the verdict. */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { cpus } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pgBin } from '@fediflow/testing';
import type { Finding, IntegrityResult } from './integrity.ts';
import type { ServerError } from './server-errors.ts';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** A target the issue sets; `ok` says whether the measurement meets it. */
  target?: string;
  ok?: boolean;
}

export interface DrillReport {
  scenario: string;
  startedAt: string;
  finishedAt: string;
  machine: string;
  parameters: Record<string, string | number | boolean>;
  figures: Figure[];
  /** What happened, in order (progress lines with their offset from the start). */
  timeline: string[];
  observations: string[];
  integrity?: IntegrityResult;
  /** Every 5xx but 503 a write got, and every request error a service logged. */
  serverErrors?: ServerError[];
  findings: Finding[];
  passed: boolean;
}

export const machine = () =>
  `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, PostgreSQL ${basename(dirname(pgBin()))} (${pgBin()})`;

export function renderMarkdown(report: DrillReport): string {
  const lines = [
    `# DR drill: ${report.scenario}`,
    '',
    `${report.passed ? '**PASSED**' : '**FAILED**'} · ${report.startedAt} → ${report.finishedAt} · ${report.machine}`,
    '',
    `Parameters: ${Object.entries(report.parameters)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')}`,
    '',
    '## Figures',
    '',
    '| figure | measured | target | met |',
    '| --- | --- | --- | --- |',
    ...report.figures.map(
      (f) =>
        `| ${f.name} | ${formatValue(f.value)} ${f.unit} | ${f.target ?? '—'} | ${f.ok === undefined ? '—' : f.ok ? 'yes' : '**no**'} |`,
    ),
    '',
  ];
  if (report.observations.length > 0)
    lines.push('## Observations', '', ...report.observations.map((o) => `- ${o}`), '');
  if (report.integrity) {
    const i = report.integrity;
    lines.push(
      '## Integrity of the recovered database',
      '',
      ...i.checks.map((c) => `- ${c}`),
      '',
      '| acknowledged writes | checked | missing |',
      '| --- | --- | --- |',
      ...Object.entries(i.acknowledged).map(([k, v]) => `| ${k} | ${v.checked} | ${v.missing} |`),
      '',
      `Rows: ${Object.entries(i.rowCounts)
        .filter(([, n]) => n > 0)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}`,
      '',
    );
  }
  if (report.serverErrors)
    lines.push(
      '## HTTP 500s',
      '',
      ...(report.serverErrors.length === 0 ? ['None.'] : report.serverErrors.flatMap(serverError)),
      '',
    );
  lines.push(
    '## Findings',
    '',
    ...(report.findings.length === 0
      ? ['None.']
      : report.findings.map((f) => `- **${f.check}**: ${f.detail}`)),
    '',
    '## Timeline',
    '',
    '```',
    ...report.timeline,
    '```',
    '',
  );
  return lines.join('\n');
}

/** One 500 (or logged request error) and, indented under it, the stack the service logged. */
function serverError({ service, write, log }: ServerError): string[] {
  const what = write
    ? `${write.kind} ${write.outcome} at ${write.at}, request ${write.requestId ?? '?'}`
    : `logged at ${log?.time ?? '?'}, no failed write matches`;
  const logged = log ? `${log.msg ?? ''}: ${log.type ?? ''} ${log.message ?? ''}` : 'no log line';
  const stack = log?.stack
    ? ['', '  ```', ...log.stack.split('\n').map((l) => `  ${l}`), '  ```']
    : [];
  return [`- ${service}: ${what} — ${logged}`, ...stack];
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/**
 * Writes `<dir>/<scenario>.json` and `.md`, formatted by the repository's Prettier settings so
 * that committed reports pass `prettier --check`; returns their paths.
 */
export async function writeReport(
  report: DrillReport,
  dir: string,
): Promise<{ json: string; markdown: string }> {
  const json = join(dir, `${report.scenario}.json`);
  const markdown = join(dir, `${report.scenario}.md`);
  const pretty = async (text: string, filepath: string) =>
    format(text, { ...(await resolveConfig(filepath)), filepath });
  writeFileSync(json, await pretty(JSON.stringify(report, null, 2), json));
  writeFileSync(markdown, await pretty(renderMarkdown(report), markdown));
  return { json, markdown };
}
