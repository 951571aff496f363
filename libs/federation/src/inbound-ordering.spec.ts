import { describe, expect, it } from 'vitest';
import { inboundOrderingKey } from './inbound-ordering';

describe('inboundOrderingKey', () => {
  it('keys inbox messages by their actor, as a URI or an embedded object', () => {
    const actor = 'https://remote.example/users/bob';
    expect(inboundOrderingKey({ type: 'inbox', activity: { actor } })).toBe(`inbox ${actor}`);
    expect(inboundOrderingKey({ type: 'inbox', activity: { actor: { id: actor } } })).toBe(
      `inbox ${actor}`,
    );
  });

  it('leaves other messages and actorless activities unordered', () => {
    expect(inboundOrderingKey({ type: 'outbox', activity: { actor: 'x' } })).toBeUndefined();
    expect(inboundOrderingKey({ type: 'inbox', activity: {} })).toBeUndefined();
    expect(inboundOrderingKey({ type: 'inbox', activity: { actor: [] } })).toBeUndefined();
    expect(inboundOrderingKey(null)).toBeUndefined();
  });
});
