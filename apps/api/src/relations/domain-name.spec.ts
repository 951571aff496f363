import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/api-error';
import { normalizeDomain } from './domain-name';

describe('normalizeDomain', () => {
  it('stores what accounts store: lower-case punycode, a non-default port kept', () => {
    expect(normalizeDomain(' Social.EXAMPLE ')).toBe('social.example');
    expect(normalizeDomain('münchen.example')).toBe('xn--mnchen-3ya.example');
    expect(normalizeDomain('social.example:8443')).toBe('social.example:8443');
    expect(normalizeDomain('social.example:443')).toBe('social.example');
  });

  it('refuses anything but a host name, naming the field', () => {
    for (const input of [
      '',
      '  ',
      undefined,
      42,
      'a b.example',
      'evil.example/path',
      'user@evil.example',
      'evil.example?x',
      '-bad.example',
      'bad..example',
      'x.example:99999',
    ]) {
      const error = (() => {
        try {
          normalizeDomain(input);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(error, String(input)).toBeInstanceOf(ApiError);
      expect((error as ApiError).details).toHaveProperty('domain');
    }
  });
});
