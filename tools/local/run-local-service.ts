import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const COLOURS = { api: 36, federation: 35, workers: 33 } as const;
const LEVEL_COLOURS: Record<string, number> = {
  fatal: 41,
  error: 31,
  warn: 33,
  info: 32,
  debug: 90,
  trace: 90,
};
const OMITTED = new Set(['level', 'time', 'service', 'msg', 'context']);

function paint(code: number, text: string): string {
  return process.stdout.isTTY ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** Renders one JSON log line for a terminal: time, service, level, message, then the fields. */
export function formatLogLine(service: string, line: string): string {
  const label = paint(COLOURS[service as keyof typeof COLOURS] ?? 37, service.padEnd(10));
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${label} ${line}`;
  }
  const level = String(entry['level'] ?? 'info');
  const time = String(entry['time'] ?? '').slice(11, 19);
  const context = entry['context'] ? `[${String(entry['context'])}] ` : '';
  const fields = Object.entries(entry)
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${time} ${label} ${paint(LEVEL_COLOURS[level] ?? 37, level.toUpperCase().padEnd(5))} ${context}${String(entry['msg'] ?? '')} ${paint(90, fields)}`;
}

/** Starts a built service with its output formatted and prefixed by its name. */
export function runLocalService(
  service: string,
  entry: string,
  env: NodeJS.ProcessEnv,
): ChildProcess {
  const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) =>
      console.log(formatLogLine(service, line)),
    );
  }
  return child;
}
