import { describe, expect, it } from 'vitest';
import { Announcements } from './announcements';
import { NotificationsRepository } from './notifications.repository';
import type { Queryable } from './queryable';
import { SocialEvents, type NotificationCreated } from './social-events';

describe('NotificationsRepository', () => {
  it('never notifies members of their own actions', async () => {
    const queries: unknown[] = [];
    const db = {
      query: async (sql: string) => {
        queries.push(sql);
        return [];
      },
    } as unknown as Queryable;
    const notifications = new NotificationsRepository(new Announcements(new SocialEvents()));
    await notifications.notify(db, { accountId: '1', fromAccountId: '1', type: 'favourite' });
    expect(queries).toEqual([]);
    await notifications.notify(db, { accountId: '1', fromAccountId: '2', type: 'favourite' });
    expect(queries).toHaveLength(1);
  });

  it('announces a notification it recorded, and none for a duplicate the index absorbed', async () => {
    const events = new SocialEvents();
    const announced: NotificationCreated[] = [];
    events.subscribe('notificationCreated', (event) => void announced.push(event));
    const notifications = new NotificationsRepository(new Announcements(events));
    const inserted = [[{ id: '7' }], []];
    const db = { query: async () => inserted.shift() } as unknown as Queryable;
    const event = { accountId: '1', fromAccountId: '2', type: 'mention' } as const;
    await notifications.notify(db, event);
    await notifications.notify(db, event);
    expect(announced).toEqual([{ notificationId: '7', accountId: '1' }]);
  });
});
