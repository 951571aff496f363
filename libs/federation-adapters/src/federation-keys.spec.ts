import type { KvKey } from '@fedify/fedify';
import { describe, expect, it } from 'vitest';
import {
  decodeKvKey,
  encodeKvKey,
  escapeGlob,
  federationKeyPrefix,
  kvListPattern,
} from './federation-keys';

describe('federationKeyPrefix', () => {
  it('puts Fedify below the service prefix', () => {
    expect(federationKeyPrefix('fediflow')).toBe('fediflow:fedify:');
  });
});

describe('KV key encoding', () => {
  const keys: KvKey[] = [
    ['_fedify', 'remoteDocument', 'https://example.com:8443/users/a?x=%3A'],
    ['a:b', 'c'],
    ['a', 'b:c'],
    ['a', ''],
    ['a'],
    ['', ''],
    ['%3A', '%'],
    ['ünïcødé', '*?[]\\'],
  ];

  it('round-trips keys whose segments contain separators and escapes', () => {
    for (const key of keys) expect(decodeKvKey(encodeKvKey(key))).toEqual(key);
  });

  it('never maps two different keys to one string', () => {
    const encoded = new Set(keys.map(encodeKvKey));
    expect(encoded.size).toBe(keys.length);
    expect(encodeKvKey(['a:b', 'c'])).not.toBe(encodeKvKey(['a', 'b:c']));
  });

  it('keeps segment boundaries: a key prefix encodes to a string prefix ending at a separator', () => {
    expect(encodeKvKey(['a', 'b', 'c']).startsWith(`${encodeKvKey(['a', 'b'])}:`)).toBe(true);
    // ['a', 'bc'] must not be listed below ['a', 'b'].
    expect(encodeKvKey(['a', 'bc']).startsWith(`${encodeKvKey(['a', 'b'])}:`)).toBe(false);
  });
});

describe('kvListPattern', () => {
  it('matches everything below the store prefix when no prefix is given', () => {
    expect(kvListPattern('p:kv:')).toBe('p:kv:*');
  });

  it('matches longer keys below a prefix, with glob characters escaped', () => {
    expect(kvListPattern('p:kv:', ['a*', 'b?'])).toBe('p:kv:a\\*:b\\?:*');
    expect(escapeGlob('[x]\\')).toBe('\\[x\\]\\\\');
  });
});
