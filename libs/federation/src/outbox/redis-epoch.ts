import type { KvStore } from '@fedify/fedify';
import { randomUUID } from 'node:crypto';

const EPOCH_KEY = ['fediflow', 'outbox', 'redis-epoch'] as const;

/**
 * Which Redis the outbox relays into: a random marker stored in that Redis (beside Fedify's
 * queue, without expiry). A Redis restarted empty or flushed has no marker, so the next pass
 * writes a new one, and rows relayed under the old one are known to have gone with it.
 */
export class RedisEpoch {
  constructor(private readonly kv: KvStore) {}

  /** The current epoch, starting a new one if Redis has none (throws while Redis is down). */
  async current(): Promise<string> {
    const existing = await this.kv.get<string>(EPOCH_KEY);
    if (existing !== undefined) return existing;
    // Two relays (API pods) may find it missing at once: one writes, both read the winner.
    if (this.kv.cas) await this.kv.cas(EPOCH_KEY, undefined, randomUUID());
    else await this.kv.set(EPOCH_KEY, randomUUID());
    const written = await this.kv.get<string>(EPOCH_KEY);
    if (written === undefined) throw new Error('the Redis epoch marker vanished as it was written');
    return written;
  }
}
