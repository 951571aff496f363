import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError, ErrorCode } from '../common/api-error';
import { renderStatusText, scanStatusText, type MentionRef } from '../common/content/status-text';
import { PublicUrls } from '../common/public-urls';
import { attachStatusTags, FederationOutbox } from '@fediflow/federation';
import { Social } from '@fediflow/social';
import { MediaService } from '../media/media.service';
import { VISIBLE_TO_VIEWER, type Visibility } from './status.view';

export const MAX_STATUS_CHARACTERS = 500;

export interface StatusDraft {
  text: string;
  spoilerText: string;
  sensitive: boolean;
  visibility: Visibility;
  language?: string;
  inReplyToId?: string;
  /** In order; on an edit, `undefined` keeps the status's media as they are. */
  mediaIds?: readonly string[];
  idempotencyKey?: string;
}

interface MentionTarget {
  id: string;
  username: string;
  domain: string | null;
  url: string | null;
}

/**
 * Status writes: each action and its counters, mentions, tags and notifications commit in one
 * transaction; re-sending the same action (retries, double taps) changes nothing twice.
 */
@Injectable()
export class StatusesService {
  constructor(
    private readonly social: Social,
    private readonly urls: PublicUrls,
    private readonly outbox: FederationOutbox,
    private readonly media: MediaService,
  ) {}

  async create(authorId: string, draft: StatusDraft): Promise<string> {
    this.assertLength(draft, (draft.mediaIds ?? []).length > 0);
    const statusId = await this.social.transaction(async (manager) => {
      if (draft.idempotencyKey) {
        // Serialise concurrent requests carrying the same key.
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1 || ':' || $2))`, [
          authorId,
          draft.idempotencyKey,
        ]);
        const [earlier]: { status_id: string }[] = await manager.query(
          `SELECT status_id FROM idempotency_keys
            WHERE account_id = $1 AND key = $2 AND created_at > now() - interval '1 hour'`,
          [authorId, draft.idempotencyKey],
        );
        if (earlier) return String(earlier.status_id);
      }
      const parent = draft.inReplyToId
        ? await this.visibleParent(manager, authorId, draft.inReplyToId)
        : undefined;
      const { mentions, tags, content } = await this.render(manager, draft.text);
      const [status]: { id: string }[] = await manager.query(
        `INSERT INTO statuses (account_id, local, text, content, spoiler_text, sensitive, visibility, language,
                               in_reply_to_id, in_reply_to_account_id)
         VALUES ($1, true, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          authorId,
          draft.text,
          content,
          draft.spoilerText,
          draft.sensitive || draft.spoilerText !== '',
          draft.visibility,
          draft.language ?? null,
          parent?.id ?? null,
          parent?.account_id ?? null,
        ],
      );
      const statusId = String(status!.id);
      await this.attach(manager, statusId, mentions, tags);
      // A new status has nothing attached yet: without media ids there is nothing to do.
      if (draft.mediaIds?.length) {
        await this.media.attach(manager, authorId, statusId, draft.mediaIds);
      }
      for (const mentioned of mentions) {
        await this.social.notifications.notify(manager, {
          accountId: mentioned.id,
          fromAccountId: authorId,
          type: 'mention',
          statusId,
        });
      }
      if (draft.idempotencyKey) {
        await manager.query(
          `INSERT INTO idempotency_keys (account_id, key, status_id) VALUES ($1, $2, $3)
           ON CONFLICT (account_id, key) DO UPDATE SET status_id = excluded.status_id, created_at = now()`,
          [authorId, draft.idempotencyKey, statusId],
        );
      }
      await this.outbox.statusCreated(authorId, statusId, manager);
      // Last: it row-locks the author's account until the commit, and every post of theirs
      // (a client's retries, a bot, a burst) waits for that lock.
      await this.social.statuses.created(manager, {
        statusId,
        accountId: authorId,
        inReplyToId: parent?.id ?? null,
        reblogOfId: null,
      });
      return statusId;
    });
    return statusId;
  }

  async edit(
    authorId: string,
    statusId: string,
    draft: Omit<StatusDraft, 'visibility' | 'inReplyToId'>,
  ): Promise<void> {
    await this.social.transaction(async (manager) => {
      await this.ownStatus(manager, authorId, statusId);
      if (draft.mediaIds !== undefined) {
        await this.media.attach(manager, authorId, statusId, draft.mediaIds);
      }
      const [media]: { n: number }[] = await manager.query(
        `SELECT count(*)::int AS n FROM media_attachments WHERE status_id = $1`,
        [statusId],
      );
      this.assertLength(draft, (media?.n ?? 0) > 0);
      const { mentions, tags, content } = await this.render(manager, draft.text);
      await this.social.statuses.edited(manager, statusId, async () => {
        await manager.query(
          `UPDATE statuses SET text = $2, content = $3, spoiler_text = $4, sensitive = $5,
                               language = coalesce($6, language), edited_at = now()
            WHERE id = $1`,
          [
            statusId,
            draft.text,
            content,
            draft.spoilerText,
            draft.sensitive || draft.spoilerText !== '',
            draft.language ?? null,
          ],
        );
      });
      const before: { account_id: string }[] = await manager.query(
        `SELECT account_id FROM mentions WHERE status_id = $1`,
        [statusId],
      );
      await manager.query(`DELETE FROM mentions WHERE status_id = $1`, [statusId]);
      await manager.query(`DELETE FROM status_tags WHERE status_id = $1`, [statusId]);
      await this.attach(manager, statusId, mentions, tags);
      const already = new Set(before.map((row) => String(row.account_id)));
      for (const mentioned of mentions.filter((m) => !already.has(String(m.id)))) {
        await this.social.notifications.notify(manager, {
          accountId: mentioned.id,
          fromAccountId: authorId,
          type: 'mention',
          statusId,
        });
      }
      await this.social.statuses.updated(manager, { statusId, accountId: authorId });
      await this.outbox.statusEdited(authorId, statusId, manager);
    });
  }

  /** Deletes an own status (and the reblogs of it), keeping every counter right. */
  async delete(authorId: string, statusId: string): Promise<void> {
    const deletion = await this.outbox.prepareStatusDelete(authorId, statusId);
    await this.social.transaction(async (manager) => {
      await this.ownStatus(manager, authorId, statusId);
      await this.social.statuses.delete(manager, statusId);
      await this.outbox.deliver(deletion, manager);
    });
  }

  async favourite(accountId: string, statusId: string): Promise<void> {
    await this.social.transaction(async (manager) => {
      const status = await this.visibleOriginal(manager, accountId, statusId);
      const added = await this.social.favourites.add(manager, accountId, {
        id: status.id,
        accountId: status.account_id,
      });
      if (!added) return false;
      await this.outbox.favourited(accountId, statusId, manager);
      return true;
    });
  }

  async unfavourite(accountId: string, statusId: string): Promise<void> {
    const undo = await this.outbox.prepareUnfavourite(accountId, statusId);
    await this.social.transaction(async (manager) => {
      await this.outbox.deliver(undo, manager);
      const status = await this.visibleOriginal(manager, accountId, statusId);
      await this.social.favourites.remove(manager, accountId, status.id);
    });
  }

  /** Returns the id of the member's reblog of the (original) status. */
  async reblog(
    accountId: string,
    statusId: string,
    visibility: Visibility = 'public',
  ): Promise<string> {
    const { id } = await this.social.transaction(async (manager) => {
      const status = await this.visibleOriginal(manager, accountId, statusId);
      if (status.visibility !== 'public' && status.visibility !== 'unlisted') {
        throw new ApiError(ErrorCode.Unprocessable, 'This status cannot be reblogged');
      }
      const reblogId = await this.social.reblogs.add(manager, {
        accountId,
        original: { id: status.id, accountId: status.account_id },
        local: true,
        visibility,
      });
      if (reblogId) {
        await this.outbox.reblogged(accountId, statusId, manager);
        return { id: reblogId, created: true };
      }
      const [existing]: { id: string }[] = await manager.query(
        `SELECT id FROM statuses WHERE account_id = $1 AND reblog_of_id = $2`,
        [accountId, status.id],
      );
      return { id: String(existing!.id), created: false };
    });
    return id;
  }

  /** Returns the original status id. */
  async unreblog(accountId: string, statusId: string): Promise<string> {
    const undo = await this.outbox.prepareUnreblog(accountId, statusId);
    const original = await this.social.transaction(async (manager) => {
      await this.outbox.deliver(undo, manager);
      const status = await this.visibleOriginal(manager, accountId, statusId);
      await this.social.reblogs.removeOf(manager, accountId, status.id);
      return status.id;
    });
    return original;
  }

  /** A status needs text unless it has media (Mastodon's rule). */
  private assertLength(draft: { text: string; spoilerText: string }, hasMedia: boolean): void {
    if (draft.text.trim() === '' && !hasMedia) {
      throw ApiError.invalid('status', "can't be blank", 'ERR_BLANK');
    }
    if ([...draft.text].length + [...draft.spoilerText].length > MAX_STATUS_CHARACTERS) {
      throw ApiError.invalid(
        'status',
        `is too long (maximum is ${MAX_STATUS_CHARACTERS} characters)`,
        'ERR_TOO_LONG',
      );
    }
  }

  private async render(manager: EntityManager, text: string) {
    const scanned = scanStatusText(text);
    const mentions = await this.resolveMentions(manager, scanned.mentions);
    const byKey = new Map(
      mentions.map((m) => [`${m.username.toLowerCase()}@${m.domain ?? ''}`, m]),
    );
    const content = renderStatusText(text, {
      mention: (ref) => {
        const domain = ref.domain === this.urls.host.toLowerCase() ? undefined : ref.domain;
        const target = byKey.get(`${ref.username.toLowerCase()}@${domain ?? ''}`);
        return target ? { url: target.url ?? this.urls.profile(target.username) } : undefined;
      },
      tagUrl: (name) => this.urls.tag(name),
    });
    return { mentions, tags: scanned.tags, content };
  }

  /** Known accounts only: remote ones appear once federation has resolved them. */
  private async resolveMentions(
    manager: EntityManager,
    refs: MentionRef[],
  ): Promise<MentionTarget[]> {
    if (refs.length === 0) return [];
    const local = this.urls.host.toLowerCase();
    const usernames = refs.map((ref) => ref.username.toLowerCase());
    const domains = refs.map((ref) => (ref.domain && ref.domain !== local ? ref.domain : ''));
    return manager.query(
      `SELECT a.id::text AS id, a.username, a.domain, a.url
         FROM unnest($1::text[], $2::text[]) AS m(username, domain)
         JOIN accounts a ON lower(a.username) = m.username AND coalesce(a.domain, '') = m.domain`,
      [usernames, domains],
    );
  }

  private async attach(
    manager: EntityManager,
    statusId: string,
    mentions: MentionTarget[],
    tags: string[],
  ) {
    if (mentions.length > 0) {
      await manager.query(
        `INSERT INTO mentions (status_id, account_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`,
        [statusId, mentions.map((m) => m.id)],
      );
    }
    await attachStatusTags(manager, statusId, tags);
  }

  private async visibleParent(manager: EntityManager, viewerId: string, id: string) {
    const [parent]: { id: string; account_id: string }[] = await manager.query(
      `SELECT s.id::text AS id, s.account_id::text AS account_id FROM statuses s
        WHERE s.id = $2 AND s.reblog_of_id IS NULL AND ${VISIBLE_TO_VIEWER}`,
      [viewerId, id],
    );
    if (!parent) throw ApiError.invalid('in_reply_to_id', 'does not refer to a status you can see');
    return parent;
  }

  /** The status a member acts on; acting on a reblog acts on its original. */
  private async visibleOriginal(manager: EntityManager, viewerId: string, id: string) {
    const [status]: { id: string; account_id: string; visibility: Visibility }[] =
      await manager.query(
        `SELECT o.id::text AS id, o.account_id::text AS account_id, o.visibility
         FROM statuses s JOIN statuses o ON o.id = coalesce(s.reblog_of_id, s.id)
        WHERE s.id = $2 AND ${VISIBLE_TO_VIEWER}`,
        [viewerId, id],
      );
    if (!status) throw ApiError.notFound();
    return status;
  }

  private async ownStatus(manager: EntityManager, authorId: string, id: string): Promise<void> {
    const [status]: unknown[] = await manager.query(
      `SELECT 1 FROM statuses WHERE id = $1 AND account_id = $2 FOR UPDATE`,
      [id, authorId],
    );
    if (!status) throw ApiError.notFound();
  }
}
