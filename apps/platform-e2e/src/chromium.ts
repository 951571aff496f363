import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (which brings no browser of its own). */
export const CHROMIUM = '/usr/bin/chromium';

/** Quiet, sandbox-free flags for a headless Chromium in CI and containers. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Fails with the install hint when the browser tests cannot run. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium); .ci/run installs it`,
    );
  }
}

/** Where a failed test's page ends up: tmp/test-output/<folder>/<test name>.png. */
export async function screenshotIfFailed(
  page: Page,
  task: { name: string; result?: { state?: string } },
  folder: string,
): Promise<void> {
  if (task.result?.state !== 'fail') return;
  const dir = join(import.meta.dirname, '../../../tmp/test-output', folder);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${task.name.replace(/[^a-z0-9]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
  console.error(`screenshot of the failed page: ${file} (at ${page.url()})`);
}
