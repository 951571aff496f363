import type { TestProject } from 'vitest/node';
import { acquireTestServers, type AcquiredServers } from './test-servers';

// One acquisition per Vitest process, shared by every project that lists this global setup.
let acquired: Promise<AcquiredServers> | undefined;
let users = 0;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const first = acquired === undefined;
  acquired ??= acquireTestServers();
  const { servers, source, release } = await acquired;
  if (first) console.log(`[fediflow:testing] PostgreSQL and Redis from ${source}`);
  project.provide('testServers', servers);
  users++;
  return async () => {
    if (--users === 0) await release();
  };
}
