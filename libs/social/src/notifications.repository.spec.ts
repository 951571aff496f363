import { describe, expect, it } from 'vitest';
import { NotificationsRepository } from './notifications.repository';
import type { Queryable } from './queryable';

describe('NotificationsRepository', () => {
  it('never notifies members of their own actions', async () => {
    const queries: unknown[] = [];
    const db = { query: async (sql: string) => void queries.push(sql) } as unknown as Queryable;
    const notifications = new NotificationsRepository();
    await notifications.notify(db, { accountId: '1', fromAccountId: '1', type: 'favourite' });
    expect(queries).toEqual([]);
    await notifications.notify(db, { accountId: '1', fromAccountId: '2', type: 'favourite' });
    expect(queries).toHaveLength(1);
  });
});
