import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '..', '..');
const cli = join(repoRoot, 'tools', 'replicate-database.ts');

function run(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

// Behaviour against real servers is in logical-replication.int-spec.ts; these are the usage paths.
describe('tools/replicate-database.ts', () => {
  it('--help prints every command and exits 0', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    for (const command of ['setup', 'status', 'cutover', 'promote'])
      expect(result.stdout).toContain(`  ${command} `);
  }, 30_000);

  it('exits 2 on no command, an unknown command, an unknown option or missing URLs', () => {
    expect(run().status).toBe(2);
    expect(run('failover').stderr).toContain('expected one command');
    expect(run('status', '--bogus').status).toBe(2);
    const missing = run('status', '--primary', 'postgres://127.0.0.1:1/x');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--primary and --subscriber are required');
    expect(run('promote').stderr).toContain('--subscriber is required');
    expect(
      run('cutover', '--primary', 'p', '--subscriber', 's', '--timeout', 'soon').stderr,
    ).toContain('--timeout must be a positive number');
  }, 30_000);

  it('exits 1 with the reason when a server is unreachable', () => {
    const result = run(
      'status',
      '--primary',
      'postgres://postgres@127.0.0.1:1/none',
      '--subscriber',
      'postgres://postgres@127.0.0.1:1/none',
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/replicate-database: .*ECONNREFUSED/);
  }, 30_000);
});
