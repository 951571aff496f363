import { describe, expect, it } from 'vitest';
import { errorMessage, withTimeout } from './readiness-check';

describe('withTimeout', () => {
  it('passes a fast result through', async () => {
    await expect(withTimeout(Promise.resolve(42), 100, 'PING')).resolves.toBe(42);
  });

  it('rejects a slow probe with a reason naming it', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withTimeout(never, 20, 'SELECT 1')).rejects.toThrow(
      'SELECT 1 timed out after 20 ms',
    );
  });
});

describe('errorMessage', () => {
  it('reads errors and other thrown values', () => {
    expect(errorMessage(new Error('refused'))).toBe('refused');
    expect(errorMessage('plain')).toBe('plain');
  });
});
