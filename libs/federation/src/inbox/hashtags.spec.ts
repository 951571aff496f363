import { Hashtag } from '@fedify/fedify/vocab';
import { describe, expect, it } from 'vitest';
import { addHashtag, hashtagName } from './hashtags';

const tag = (name: string) => new Hashtag({ name });

describe('remote hashtag names', () => {
  it('drops the #, lower-cases and NFKC-normalises, as tags.name stores them', () => {
    expect(hashtagName(tag('#FediFlow'))).toBe('fediflow');
    expect(hashtagName(tag('#ねこ'))).toBe('ねこ');
    // Full-width letters (as some IMEs type them) are the same tag.
    expect(hashtagName(tag('#ＴＶ'))).toBe('tv');
    expect(hashtagName(tag('NoHash'))).toBe('nohash');
  });

  it('refuses names no link could carry', () => {
    for (const bad of ['#', '', '#bad tag', '#a/b', '#123', `#${'x'.repeat(101)}`]) {
      expect(hashtagName(tag(bad)), bad).toBeUndefined();
    }
    expect(hashtagName(new Hashtag({}))).toBeUndefined();
  });

  it('keeps at most 32 per post', () => {
    const names = new Set<string>();
    for (let n = 0; n < 40; n++) addHashtag(names, tag(`#t${n}`));
    expect(names.size).toBe(32);
  });
});
