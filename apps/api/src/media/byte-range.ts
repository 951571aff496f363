import type { ByteRange } from '@fediflow/media';

/**
 * The single byte range a `Range` header asks of a file of `size` bytes (RFC 9110 §14.1.2):
 * `bytes=first-last`, `bytes=first-` or `bytes=-suffixLength`, the last clamped to the file.
 * `undefined`: no range, another unit or several ranges — the whole file is sent (200), which
 * the RFC allows. `'unsatisfiable'`: the range starts past the end (416).
 */
export function requestedRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined; // invalid: ignored
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
