import { Writable } from 'node:stream';

/** A service's JSON log, one parsed object per line, as a test reads it. */
export interface CapturedLog {
  /** Pass as the service's `logDestination`. */
  readonly destination: Writable;
  readonly lines: Record<string, unknown>[];
}

/** Collects what a pino logger writes, so a test can assert on log lines. */
export function captureLogLines(): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { destination, lines };
}
