import { describe, expect, it } from 'vitest';
import { requestedRange } from './byte-range';

describe('requestedRange (RFC 9110 byte ranges)', () => {
  it('reads the three forms of one range, clamped to the file', () => {
    expect(requestedRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(requestedRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(requestedRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(requestedRange('bytes=500-5000', 1000)).toEqual({ start: 500, end: 999 });
    expect(requestedRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
  });

  it('serves the whole file for no range, another unit, several ranges or an invalid one', () => {
    for (const header of [
      undefined,
      '',
      'items=0-1',
      'bytes=0-1,5-6',
      'bytes=9-3',
      'bytes=-',
      'bytes=a-b',
    ])
      expect(requestedRange(header, 1000), String(header)).toBeUndefined();
  });

  it('refuses a range that starts past the end (416)', () => {
    expect(requestedRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(requestedRange('bytes=-0', 1000)).toBe('unsatisfiable');
  });
});
