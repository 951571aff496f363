import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/api-error';
import { nestParameters, parameterPath } from './rails-params';

/** Plain objects for comparison: the parser builds prototype-less ones. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

// Expected shapes follow Rack's nested query parser (Rack::QueryParser#normalize_params), which is
// what Mastodon's controllers read.
describe('nestParameters', () => {
  it('nests lists, hashes and lists inside hashes as Rack does', () => {
    const params = nestParameters([
      ['status', 'hi'],
      ['media_ids[]', '1'],
      ['media_ids[]', '2'],
      ['poll[options][]', 'yes'],
      ['poll[options][]', 'no'],
      ['poll[expires_in]', '3600'],
      ['fields_attributes[0][name]', 'Site'],
      ['fields_attributes[0][value]', 'https://example.org'],
      ['fields_attributes[1][name]', 'Pronouns'],
      ['fields_attributes[1][value]', 'they'],
    ]);
    expect(plain(params)).toEqual({
      status: 'hi',
      media_ids: ['1', '2'],
      poll: { options: ['yes', 'no'], expires_in: '3600' },
      fields_attributes: [
        { name: 'Site', value: 'https://example.org' },
        { name: 'Pronouns', value: 'they' },
      ],
    });
  });

  it('orders indexed hashes by index, not by arrival', () => {
    const params = nestParameters([
      ['fields_attributes[10][name]', 'ten'],
      ['fields_attributes[2][name]', 'two'],
    ]);
    expect(plain(params)).toEqual({ fields_attributes: [{ name: 'two' }, { name: 'ten' }] });
  });

  it('starts a new list element when a key repeats (a[][name]=…&a[][name]=…)', () => {
    const params = nestParameters([
      ['a[][name]', 'x'],
      ['a[][value]', '1'],
      ['a[][name]', 'y'],
    ]);
    expect(plain(params)).toEqual({ a: [{ name: 'x', value: '1' }, { name: 'y' }] });
  });

  it('keeps the last value of a repeated plain name and reads malformed names literally', () => {
    expect(
      plain(
        nestParameters([
          ['a', '1'],
          ['a', '2'],
          ['b[c', '3'],
        ]),
      ),
    ).toEqual({
      a: '2',
      'b[c': '3',
    });
    expect(parameterPath('poll[options][]')).toEqual(['poll', 'options', '']);
  });

  it('refuses conflicting shapes, prototype keys and deep nesting with a 422 naming the field', () => {
    for (const entries of [
      [
        ['a', '1'],
        ['a[b]', '2'],
      ],
      [
        ['a[]', '1'],
        ['a[b]', '2'],
      ],
      [
        ['a[b]', '1'],
        ['a', '2'],
      ],
      [['__proto__[admin]', 'true']],
      [['a[constructor][prototype]', 'x']],
      [[`a${'[x]'.repeat(10)}`, 'deep']],
    ] as [string, string][][]) {
      expect(() => nestParameters(entries)).toThrow(ApiError);
    }
    try {
      nestParameters([
        ['a', '1'],
        ['a[b]', '2'],
      ]);
    } catch (error) {
      expect((error as ApiError).details).toHaveProperty(['a[b]']);
    }
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it('leaves non-plain values (uploaded files) whole', () => {
    const file = new (class UploadedFile {
      readonly data = Buffer.from('x');
    })();
    expect(nestParameters([['avatar', file]])['avatar']).toBe(file);
  });

  it('agrees with URLSearchParams for names without brackets (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc
            .stringMatching(/^[a-z_]{1,12}$/)
            .filter((name) => !['__proto__', 'constructor', 'prototype'].includes(name)),
          fc.string({ maxLength: 20 }),
        ),
        (fields) => {
          const form = new URLSearchParams(fields);
          expect(plain(nestParameters(form.entries()))).toEqual(Object.fromEntries(form));
        },
      ),
    );
  });
});
