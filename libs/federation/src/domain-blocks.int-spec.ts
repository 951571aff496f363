import { migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainBlocks, InvalidDomainError, normalizeDomain } from './domain-blocks';

describe('DomainBlocks', () => {
  let db: DataSource;
  let database: MigratedDatabase;

  beforeAll(async () => {
    database = await migratedDatabase('domain-blocks');
    ({ db } = database);
  });
  afterAll(async () => {
    await database?.release();
  });

  it('normalises hosts, URLs and IDNs; rejects what is no domain', () => {
    expect(normalizeDomain(' Spam.Example. ')).toBe('spam.example');
    expect(normalizeDomain('https://spam.example:8443/users/x')).toBe('spam.example');
    expect(normalizeDomain('bücher.example')).toBe('xn--bcher-kva.example');
    expect(() => normalizeDomain('')).toThrow(InvalidDomainError);
    expect(() => normalizeDomain('not a domain')).toThrow(/not a domain name/);
  });

  it('blocks a domain and its subdomains, not look-alikes; lifting the block takes effect', async () => {
    const admin = new DomainBlocks(db);
    const reader = new DomainBlocks(db, 0);
    expect(await admin.add('Spam.Example', 'spam')).toBe('spam.example');
    expect(await reader.isBlocked('spam.example')).toBe(true);
    expect(await reader.isBlocked('relay.spam.example:8443')).toBe(true);
    expect(await reader.isBlocked(new URL('https://SPAM.example/inbox'))).toBe(true);
    expect(await reader.isBlocked('notspam.example')).toBe(false);
    expect(await reader.isBlocked('example')).toBe(false);

    await admin.add('spam.example', 'spam and abuse');
    expect(await admin.list()).toEqual([
      { domain: 'spam.example', reason: 'spam and abuse', createdAt: expect.any(Date) },
    ]);
    expect(await admin.remove('spam.example')).toBe(true);
    expect(await admin.remove('spam.example')).toBe(false);
    expect(await reader.isBlocked('spam.example')).toBe(false);
  });

  it('answers from a cached copy until it expires', async () => {
    const cached = new DomainBlocks(db, 60_000);
    expect(await cached.isBlocked('later.example')).toBe(false);
    await new DomainBlocks(db).add('later.example');
    expect(await cached.isBlocked('later.example')).toBe(false);
    expect(await new DomainBlocks(db, 0).isBlocked('later.example')).toBe(true);
  });
});
