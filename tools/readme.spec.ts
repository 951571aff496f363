import { describeEnvironment, SERVICE_NAMES } from '@fediflow/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
const documented = new Set([...readme.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((match) => match[1]));

describe('README configuration table', () => {
  it('documents every variable a service reads, and nothing else', () => {
    const read = new Set(
      SERVICE_NAMES.flatMap((service) => describeEnvironment(service).map((spec) => spec.name)),
    );
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !read.has(name!))).toEqual([]);
  });

  it('starts with the Quick start and its two commands', () => {
    expect(readme.indexOf('## Quick start')).toBeLessThan(readme.indexOf('## Architecture'));
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
