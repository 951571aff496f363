import type { Context } from '@fedify/fedify';
import type { Activity } from '@fedify/fedify/vocab';
import { findLocalAccount, STATUS_SELECT } from '../local-actors';
import { toPerson } from '../local-person';
import {
  createActivity,
  deleteActivity,
  updateActivity,
  type OutboundNote,
  type OutboundStatusRow,
} from './note-activities';
import type { OutboxDelivery } from './outbox-relay';
import { loadOutboundNote } from './outbound-notes';
import { updatePersonActivity } from './profile-activity';
import {
  remoteFollowerRecipients,
  remoteRecipient,
  type Queryable,
  type RemoteInboxes,
} from './recipients';

/** What happened to a member's status, and the activity that tells it. */
export type StatusChange = 'created' | 'edited' | 'deleted';

const BUILDERS: Record<StatusChange, (ctx: Context<void>, note: OutboundNote) => Activity> = {
  created: createActivity,
  edited: updateActivity,
  deleted: (ctx, note) => deleteActivity(ctx, note.row, note.mentions),
};

/**
 * A member's status `Create`d, `Update`d or `Delete`d: to their remote followers (unless it is
 * direct), the remote accounts it mentions and the remote author of the post it answers.
 */
export async function statusDelivery(
  db: Queryable,
  ctx: Context<void>,
  authorId: string,
  statusId: string,
  change: StatusChange,
): Promise<OutboxDelivery | undefined> {
  const [row] = (await db.query(
    `${STATUS_SELECT}
      WHERE s.id = $1 AND s.account_id = $2 AND s.local AND s.reblog_of_id IS NULL`,
    [statusId, authorId],
  )) as OutboundStatusRow[];
  if (!row) return undefined;
  const mentioned = (await db.query(
    `SELECT a.uri, a.inbox_url, a.shared_inbox_url
       FROM mentions m JOIN accounts a ON a.id = m.account_id
      WHERE m.status_id = $1 AND a.domain IS NOT NULL AND a.uri IS NOT NULL`,
    [statusId],
  )) as RemoteInboxes[];
  const followers = row.visibility === 'direct' ? [] : await remoteFollowerRecipients(db, authorId);
  // A reply also goes to the remote author of the post it answers, mentioned or not (as
  // Mastodon), so the conversation is complete on their server.
  const repliedTo =
    row.visibility === 'direct' || row.in_reply_to_id === null
      ? []
      : ((await db.query(
          `SELECT pa.uri, pa.inbox_url, pa.shared_inbox_url
             FROM statuses s
             JOIN statuses p ON p.id = s.in_reply_to_id
             JOIN accounts pa ON pa.id = p.account_id
            WHERE s.id = $1 AND pa.domain IS NOT NULL AND pa.uri IS NOT NULL`,
          [statusId],
        )) as RemoteInboxes[]);
  const recipients = [...followers, ...[...mentioned, ...repliedTo].map(remoteRecipient)];
  if (recipients.length === 0) return undefined;
  // The same Note (Mention and Hashtag tags, cc) as the object dispatcher and outbox serve.
  const note = await loadOutboundNote(db, ctx, row);
  const build = BUILDERS[change];
  return {
    username: row.username,
    recipients,
    sharedInbox: true,
    build: (c) => build(c, note),
  };
}

/** A member's profile change: `Update(Person)` to their remote followers. */
export async function profileDelivery(
  db: Queryable,
  ctx: Context<void>,
  accountId: string,
): Promise<OutboxDelivery | undefined> {
  const [me] = (await db.query(`SELECT username FROM accounts WHERE id = $1 AND domain IS NULL`, [
    accountId,
  ])) as { username: string }[];
  const followers = await remoteFollowerRecipients(db, accountId);
  if (!me || followers.length === 0) return undefined;
  const account = await findLocalAccount(db, me.username);
  if (!account) return undefined;
  const person = toPerson(ctx, account, await ctx.getActorKeyPairs(account.username));
  return {
    username: account.username,
    recipients: followers,
    sharedInbox: true,
    build: (c) => updatePersonActivity(c, person),
  };
}
