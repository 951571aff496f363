import { describe, expect, it } from 'vitest';
import { reconnectDelay, redisKeyPrefix, redisOptions } from './redis-connection';

describe('reconnectDelay', () => {
  it('grows exponentially and is capped at five seconds', () => {
    expect(reconnectDelay(1, () => 1)).toBe(200);
    expect(reconnectDelay(4, () => 1)).toBe(1_600);
    expect(reconnectDelay(50, () => 1)).toBe(5_000);
  });

  it('is jittered but never below 50 ms', () => {
    expect(reconnectDelay(10, () => 0)).toBe(50);
    expect(reconnectDelay(10, () => 0.5)).toBe(2_500);
  });
});

describe('redisOptions', () => {
  it('fails request-path commands fast while disconnected', () => {
    const options = redisOptions({
      url: 'redis://x',
      name: 'api',
      role: 'command',
      keyPrefix: 'p:',
    });
    expect(options).toMatchObject({
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      keyPrefix: 'p:',
    });
  });

  it('gives BullMQ unlimited retries and no ioredis key prefix', () => {
    const options = redisOptions({ url: 'redis://x', name: 'q', role: 'queue', keyPrefix: 'p:' });
    expect(options.maxRetriesPerRequest).toBeNull();
    expect(options.keyPrefix).toBeUndefined();
  });
});

describe('redisKeyPrefix', () => {
  it('namespaces keys below the configured prefix', () => {
    expect(redisKeyPrefix('fediflow')).toBe('fediflow:');
    expect(redisKeyPrefix('fediflow', 'cache')).toBe('fediflow:cache:');
  });
});
