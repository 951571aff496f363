import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds } from './json-limits';
import { findNul, replaceLoneSurrogates } from './string-safety';

describe('jsonDepthExceeds', () => {
  it('counts nesting of arrays and objects, not brackets inside strings', () => {
    expect(jsonDepthExceeds('[[[]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[]]]]', 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":"[[[[[[[[","b":"\\"[[[["}', 1)).toBe(false);
  });

  it('scans a 10,000-deep body without recursion', () => {
    expect(jsonDepthExceeds('['.repeat(10_000) + ']'.repeat(10_000))).toBe(true);
  });
});

describe('findNul', () => {
  it('names the first field holding a NUL, in values and in keys', () => {
    expect(findNul({ status: 'ok', poll: { options: ['a', 'b\u0000'] } })).toBe('poll.options.1');
    expect(findNul({ 'x\u0000': 1 })).toBe('x\u0000');
    expect(findNul('a\u0000')).toBe('(value)');
    expect(findNul({ status: 'fine', n: 1, nothing: null })).toBeUndefined();
  });
});

describe('replaceLoneSurrogates', () => {
  it('replaces unpaired halves with U+FFFD and keeps real pairs', () => {
    const body = { a: 'x\ud800y', b: ['\udc00'], c: 'emoji \ud83d\ude00' };
    expect(replaceLoneSurrogates(body)).toEqual({ a: 'x\ufffdy', b: ['\ufffd'], c: 'emoji 😀' });
  });
});
