import { describe, expect, it } from 'vitest';
import { NOTIFICATION_TYPES, requestedTypes } from './notification-types';

describe('requestedTypes (Mastodon Notification.browserable)', () => {
  it('means every type when nothing narrows the list', () => {
    expect(requestedTypes([], [])).toBeUndefined();
    expect(requestedTypes([], ['not_a_type'])).toBeUndefined();
  });

  it('keeps only known types and drops exclusions', () => {
    expect(requestedTypes(['mention', 'quote', 'made_up'], [])).toEqual(['mention', 'quote']);
    expect(requestedTypes(['made_up'], [])).toEqual([]);
    expect(requestedTypes(['mention', 'mention'], [])).toEqual(['mention']);
    expect(requestedTypes(['mention', 'follow'], ['follow'])).toEqual(['mention']);
    const withoutMentions = requestedTypes([], ['mention']);
    expect(withoutMentions).toHaveLength(NOTIFICATION_TYPES.size - 1);
    expect(withoutMentions).not.toContain('mention');
  });
});
