import { describe, expect, it } from 'vitest';
import { isRedisUnavailable, RedisUnavailableError } from './redis-errors';

describe('isRedisUnavailable', () => {
  it('recognises ioredis’ fail-fast errors and our own', () => {
    expect(isRedisUnavailable(new RedisUnavailableError('enqueue: reconnecting'))).toBe(true);
    expect(
      isRedisUnavailable(
        new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      ),
    ).toBe(true);
    expect(isRedisUnavailable(new Error('Command timed out'))).toBe(true);
    expect(isRedisUnavailable(new Error('Connection is closed.'))).toBe(true);
    expect(
      isRedisUnavailable(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' })),
    ).toBe(true);
  });

  it('leaves Redis reply errors and bugs alone', () => {
    expect(isRedisUnavailable(new Error('WRONGTYPE Operation against a key'))).toBe(false);
    expect(isRedisUnavailable('Command timed out')).toBe(false);
  });
});
