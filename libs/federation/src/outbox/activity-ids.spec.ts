import { describe, expect, it } from 'vitest';
import { activityIds } from './activity-ids';

const alice = new URL('https://fediflow.test/users/alice');
const note = new URL('https://fediflow.test/users/alice/statuses/7');

describe('activity ids (one scheme)', () => {
  it('hangs status activities off the status URI and relation activities off the actor', () => {
    expect(activityIds.ofStatus(note).href).toBe(`${note.href}/activity`);
    expect(activityIds.update(note, 1_700).href).toBe(`${note.href}#updates/1700`);
    expect(activityIds.update(alice, 1_700).href).toBe(`${alice.href}#updates/1700`);
    expect(activityIds.deletion(note).href).toBe(`${note.href}#delete`);
    expect(activityIds.follow(alice, '3').href).toBe(`${alice.href}#follows/3`);
    expect(activityIds.like(alice, '5').href).toBe(`${alice.href}#likes/5`);
  });

  it('undoes anything by appending /undo to its id', () => {
    expect(activityIds.undo(activityIds.follow(alice, '3')).href).toBe(
      `${alice.href}#follows/3/undo`,
    );
    expect(activityIds.undo(activityIds.like(alice, '5')).href).toBe(`${alice.href}#likes/5/undo`);
    expect(activityIds.undo(activityIds.ofStatus(note)).href).toBe(`${note.href}/activity/undo`);
  });

  it('answers a Follow with an id of that Follow alone: stable, distinct, URL-safe', () => {
    const follow = new URL('https://remote.example/follows/1?x=1#f');
    const accept = activityIds.answer(alice, 'accept', follow);
    expect(accept.href).toMatch(
      /^https:\/\/fediflow\.test\/users\/alice#accepts\/follows\/[\w-]{22}$/,
    );
    expect(activityIds.answer(alice, 'accept', new URL(follow.href)).href).toBe(accept.href);
    expect(
      activityIds.answer(alice, 'accept', new URL('https://remote.example/follows/2')).href,
    ).not.toBe(accept.href);
    expect(activityIds.answer(alice, 'reject', follow).href).toBe(
      accept.href.replace('#accepts/', '#rejects/'),
    );
  });
});
