/** What each OAuth scope lets an application do, in the words the consent screen shows. */
const TOP_LEVEL: Record<string, string> = {
  read: 'See all of your account: posts, timelines, follows, notifications and settings',
  write: 'Act as you: post, edit and delete posts, favourite, boost and change your profile',
  follow: 'Follow, unfollow, block and mute accounts for you',
  push: 'Receive your notifications as push messages',
  profile: 'See your profile only (name, handle and picture)',
};

const SUBJECTS: Record<string, string> = {
  accounts: 'your profile and account information',
  blocks: 'the accounts you block',
  bookmarks: 'your bookmarks',
  conversations: 'your direct conversations',
  favourites: 'your favourites',
  filters: 'your filters',
  follows: 'who you follow',
  lists: 'your lists',
  media: 'your media uploads',
  mutes: 'the accounts you mute',
  notifications: 'your notifications',
  reports: 'your reports',
  search: 'search results, as you',
  statuses: 'your posts',
};

export function describeScope(scope: string): string {
  const top = TOP_LEVEL[scope];
  if (top) return top;
  const [access, subject = ''] = scope.split(':');
  const what = SUBJECTS[subject] ?? subject;
  return access === 'write' ? `Change ${what}` : `See ${what}`;
}

/** Whether the scope lets the application change anything (the screen marks those). */
export function isWriteScope(scope: string): boolean {
  return scope === 'write' || scope === 'follow' || scope.startsWith('write:');
}
