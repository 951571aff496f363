import { describe, expect, it } from 'vitest';
import { isKnownScope, TOP_LEVEL_SCOPES } from '../common/auth/scopes';
import { describeScope, isWriteScope } from './scope-descriptions';

const SUB_SCOPES = ['accounts', 'blocks', 'bookmarks', 'favourites', 'filters', 'follows', 'lists']
  .concat(['mutes', 'notifications', 'search', 'statuses'])
  .map((subject) => `read:${subject}`)
  .concat(
    ['accounts', 'blocks', 'bookmarks', 'conversations', 'favourites', 'filters', 'follows']
      .concat(['lists', 'media', 'mutes', 'notifications', 'reports', 'statuses'])
      .map((subject) => `write:${subject}`),
  );

describe('describeScope', () => {
  it('puts every scope a client may ask for into words, never the raw code', () => {
    for (const scope of [...TOP_LEVEL_SCOPES, ...SUB_SCOPES]) {
      expect(isKnownScope(scope), scope).toBe(true);
      const words = describeScope(scope);
      expect(words, scope).toMatch(/^[A-Z]/);
      expect(words, scope).not.toMatch(/\b(read|write):/);
      expect(words.split(' ').length, scope).toBeGreaterThanOrEqual(3);
    }
    expect(describeScope('write:statuses')).toBe('Change your posts');
    expect(describeScope('read:notifications')).toBe('See your notifications');
  });

  it('marks the scopes that let an application change things', () => {
    expect(['write', 'follow', 'write:media'].every(isWriteScope)).toBe(true);
    expect(['read', 'push', 'profile', 'read:statuses'].some(isWriteScope)).toBe(false);
  });
});
