import { type IsolatedInfrastructure } from '@fediflow/testing';
import { migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, runDomainBlocksCli } from './domain-blocks-cli';

describe('domain-blocks CLI', () => {
  let infra: IsolatedInfrastructure;
  let db: DataSource;
  let database: MigratedDatabase;

  beforeAll(async () => {
    database = await migratedDatabase('domain-blocks-cli');
    ({ infra, db } = database);
  });
  afterAll(async () => {
    await database?.release();
  });

  async function run(argv: string[], env: NodeJS.ProcessEnv = infra.env) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runDomainBlocksCli(argv, {
      env,
      stdout: (line) => out.push(line),
      stderr: (line) => err.push(line),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('adds, lists and removes blocks, printing what it did', async () => {
    expect(await run(['list'])).toEqual({ code: EXIT.ok, out: 'no blocked domains', err: '' });

    const added = await run(['add', 'Spam.Example', '--reason', 'spam waves']);
    expect(added).toMatchObject({ code: EXIT.ok, err: '' });
    expect(added.out).toBe('blocked spam.example and its subdomains (reason: spam waves)');
    expect(await run(['add', 'https://bad.example/users/x', '--reason=harassment'])).toMatchObject({
      code: EXIT.ok,
    });
    expect(await db.query(`SELECT domain, reason FROM domain_blocks ORDER BY domain`)).toEqual([
      { domain: 'bad.example', reason: 'harassment' },
      { domain: 'spam.example', reason: 'spam waves' },
    ]);

    const listed = await run(['list']);
    expect(listed.code).toBe(EXIT.ok);
    expect(listed.out.split('\n')).toEqual([
      expect.stringMatching(/^bad\.example\tsince \d{4}-\d{2}-\d{2}\tharassment$/),
      expect.stringMatching(/^spam\.example\tsince \d{4}-\d{2}-\d{2}\tspam waves$/),
    ]);

    expect(await run(['remove', 'SPAM.example'])).toEqual({
      code: EXIT.ok,
      out: 'unblocked spam.example',
      err: '',
    });
    const again = await run(['remove', 'spam.example']);
    expect(again).toMatchObject({ code: EXIT.failed, out: '' });
    expect(again.err).toContain('spam.example was not blocked');
    expect(await db.query(`SELECT domain FROM domain_blocks`)).toEqual([{ domain: 'bad.example' }]);
  });

  it('explains wrong usage with exit code 2 and changes nothing', async () => {
    const cases: [string[], RegExp][] = [
      [[], /a command is required/],
      [['block', 'x.example'], /unknown command "block"/],
      [['add'], /add takes exactly one domain/],
      [['add', 'a.example', 'b.example'], /exactly one domain/],
      [['add', 'a.example', '--reason'], /--reason needs a text/],
      [['add', 'a.example', '--force'], /unknown option --force/],
      [['list', 'extra'], /list takes no arguments/],
      [['add', 'not a domain!'], /is not a domain name/],
    ];
    for (const [argv, message] of cases) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(EXIT.usage);
      expect(result.err).toMatch(message);
      expect(result.out).toBe('');
    }
    expect((await run([])).err).toContain('Usage: domain-blocks');
    expect(await db.query(`SELECT domain FROM domain_blocks`)).toEqual([{ domain: 'bad.example' }]);
  });

  it('fails with exit code 1 naming DATABASE_URL when it is not set', async () => {
    const result = await run(['list'], {});
    expect(result.code).toBe(EXIT.failed);
    expect(result.err).toMatch(/DATABASE_URL is required/);
  });
});
