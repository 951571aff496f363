import { Injectable } from '@nestjs/common';
import type { StreamMessage } from '@fediflow/social';
import { NotificationView } from '../notifications/notification.view';
import { StatusView } from '../statuses/status.view';

/** How many announcements' payloads a pod keeps, to render each once for all its connections. */
const CACHED_ANNOUNCEMENTS = 512;

/**
 * Renders a channel message into the `payload` Mastodon sends: a status as anyone sees it (no
 * viewer flags such as `favourited`, as Mastodon renders it once for every recipient), a
 * notification for its one recipient, or the bare id of a deleted status. Undefined when the
 * status or notification is gone by now.
 */
@Injectable()
export class StreamRenderer {
  private readonly cache = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly statuses: StatusView,
    private readonly notifications: NotificationView,
  ) {}

  payload(message: StreamMessage, recipientId: string | null): Promise<string | undefined> {
    if (message.event === 'delete') return Promise.resolve(message.id);
    // A notification goes to its recipient's channel only, so the key needs no recipient.
    let rendered = this.cache.get(message.rid);
    if (!rendered) {
      rendered = this.render(message, recipientId).catch(() => {
        this.cache.delete(message.rid);
        return undefined;
      });
      this.cache.set(message.rid, rendered);
      if (this.cache.size > CACHED_ANNOUNCEMENTS) {
        this.cache.delete(this.cache.keys().next().value as string);
      }
    }
    return rendered;
  }

  private async render(message: StreamMessage, recipientId: string | null) {
    if (message.event === 'notification') {
      if (!recipientId) return undefined;
      const notification = await this.notifications.one(message.id, recipientId);
      return notification && JSON.stringify(notification);
    }
    const [status] = await this.statuses.page(`SELECT $2::bigint AS id`, [null, message.id]);
    return status && JSON.stringify(status);
  }
}
