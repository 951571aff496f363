import type { HealthIndicatorResult } from '@nestjs/terminus';

/**
 * One dependency or duty that must be fine before the service takes traffic. Services add their
 * own (queue consumer running, federation keys present) next to PostgreSQL and Redis.
 */
export interface ReadinessCheck {
  readonly key: string;
  check(): Promise<HealthIndicatorResult>;
}

/** Rejects with a readable reason when `work` takes longer than a probe can wait. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
