import { Injectable } from '@nestjs/common';
import { preparedQuery } from '@fediflow/database';
import { DataSource } from 'typeorm';
import { AccountView, ACCOUNT_COLUMNS, type AccountRow } from '../accounts/account.view';
import { StatusView } from '../statuses/status.view';

interface NotificationRow {
  id: string;
  type: string;
  created_at: Date;
  status_id: string | null;
  account: AccountRow;
}

/** Mastodon's Notification entity, for its recipient (the REST list and the streaming API). */
@Injectable()
export class NotificationView {
  constructor(
    private readonly db: DataSource,
    private readonly accounts: AccountView,
    private readonly statuses: StatusView,
  ) {}

  /** The recipient's notifications matching `condition` (`$1` is the recipient), rendered. */
  async list(condition: string, params: unknown[], viewerId: string) {
    return this.present(await this.load(condition, params), viewerId);
  }

  /** One notification by id, if it is the recipient's. */
  async one(id: string, recipientId: string) {
    const [notification] = await this.list(
      `n.account_id = $1 AND n.id = $2`,
      [recipientId, id],
      recipientId,
    );
    return notification;
  }

  private load(condition: string, params: unknown[]): Promise<NotificationRow[]> {
    return preparedQuery<NotificationRow>(
      this.db,
      `SELECT n.id::text AS id, n.type, n.created_at, n.status_id::text AS status_id,
              (SELECT row_to_json(acc) FROM (SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = n.from_account_id) acc) AS account
         FROM notifications n WHERE ${condition}`,
      params,
    );
  }

  private async present(rows: NotificationRow[], viewerId: string) {
    const statusIds = [...new Set(rows.flatMap((row) => (row.status_id ? [row.status_id] : [])))];
    const statuses = statusIds.length
      ? await this.statuses.page(`SELECT unnest($2::bigint[]) AS id`, [viewerId, statusIds])
      : [];
    const byId = new Map(statuses.map((status) => [status.id, status]));
    return rows.map((row) => ({
      id: row.id,
      type: row.type,
      created_at: new Date(row.created_at).toISOString(),
      group_key: `ungrouped-${row.id}`,
      account: this.accounts.toJson(row.account),
      ...(row.status_id ? { status: byId.get(row.status_id) ?? null } : {}),
    }));
  }
}
