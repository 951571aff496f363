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

/** Nest's start-up inventory (one line per module and route): noise at the info level. */
const BOOT_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
]);

/** True for lines `npm start` leaves out unless LOG_LEVEL is debug or trace. */
export function isBootNoise(line: string): boolean {
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    return entry['level'] === 'info' && BOOT_CONTEXTS.has(String(entry['context']));
  } catch {
    return false;
  }
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

/**
 * Starts a built service with its output formatted and prefixed by its name. It runs in its own
 * process group, so a terminal's Ctrl-C reaches only `npm start`, which then drains the services
 * with SIGTERM in order (instead of every process dying at once).
 */
export function runLocalService(
  service: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[] = [],
): ChildProcess {
  const verbose = ['debug', 'trace'].includes(String(env['LOG_LEVEL']));
  const child = spawn(process.execPath, [entry, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (!verbose && isBootNoise(line)) return;
      console.log(formatLogLine(service, line));
    });
  }
  return child;
}
