import { describe, expect, it } from 'vitest';
import { InvalidAccountQueryError, parseAccountQuery } from './remote-lookup';

describe('parseAccountQuery', () => {
  it('reads handles with or without @, acct: and host, and actor URLs', () => {
    expect(parseAccountQuery('bob')).toEqual({ kind: 'handle', username: 'bob', host: null });
    for (const input of [
      'bob@Example.COM',
      '@bob@example.com',
      'acct:bob@example.com',
      ' bob@example.com ',
    ]) {
      expect(parseAccountQuery(input), input).toEqual({
        kind: 'handle',
        username: 'bob',
        host: 'example.com',
      });
    }
    expect(parseAccountQuery('b.o-b@127.0.0.1:3000')).toEqual({
      kind: 'handle',
      username: 'b.o-b',
      host: '127.0.0.1:3000',
    });
    expect(parseAccountQuery('https://example.com/users/bob')).toEqual({
      kind: 'url',
      url: new URL('https://example.com/users/bob'),
    });
  });

  it('refuses what names no account, saying why', () => {
    for (const input of [
      '',
      '@',
      'bob@',
      'a@b@c',
      'bo b',
      '-bob',
      'bob@exa mple.com',
      'bob@example.com/path',
      'bob@user:pw@example.com',
      'bob@example.com?x',
      'https://user:pw@example.com/users/bob',
      `${'a'.repeat(101)}@example.com`,
    ]) {
      expect(() => parseAccountQuery(input), input).toThrow(InvalidAccountQueryError);
    }
    expect(() => parseAccountQuery('bob@exa mple.com')).toThrow(/does not name a valid domain/);
  });
});
