import type { Federation, InboxContext, SenderKeyPair } from '@fedify/fedify';
import {
  Accept,
  Announce,
  Block,
  Create,
  Delete,
  EmojiReact,
  Follow,
  Like,
  Move,
  Reject,
  Undo,
  Update,
  type Activity,
} from '@fedify/fedify/vocab';
import { Social, type SocialEvents } from '@fediflow/social';
import type { DataSource } from 'typeorm';
import type { DomainBlocks } from '../domain-blocks';
import { onAccept } from './accept.handler';
import { onAnnounce } from './announce.handler';
import { onBlock } from './block.handler';
import { onCreate } from './create.handler';
import { onDelete } from './delete.handler';
import { onFollow } from './follow.handler';
import { BlockedDomainError, isBlocked, type HandlerOutcome, type InboxDeps } from './inbox-deps';
import { onLike } from './like.handler';
import { onMove } from './move.handler';
import { onReject } from './reject.handler';
import { onUndo } from './undo.handler';
import { onUpdate } from './update.handler';

/** Satisfied by `console` and by Nest's `Logger`. */
export interface InboxLogger {
  warn(message: string): void;
}

/** How the handling of one inbound activity ended. */
export type InboxOutcome = HandlerOutcome | 'failed';

export interface InboxHandlerOptions {
  db: DataSource;
  /** Signs the fetches made while handling shared-inbox deliveries (the instance actor). */
  sharedKey: () => Promise<SenderKeyPair>;
  /**
   * The admin domain-block list. Activities whose actor (or announced or fetched object) is on a
   * blocked domain are dropped before the database is touched, and nothing is fetched from one.
   * This is the authoritative check: the HTTP layer may reject earlier, but queued work
   * (enqueued before a block, or retried) is checked again here.
   */
  domainBlocks?: Pick<DomainBlocks, 'isBlocked'>;
  /** Bound on each remote fetch (actors, embedded-by-URI objects, reply parents). Default 10 s. */
  fetchTimeoutMs?: number;
  /**
   * Called once per handled activity with its type (`Follow`, `Create`, …) and outcome, e.g. to
   * feed a Prometheus counter of activities processed by type and outcome:
   * `applied` it changed something; `ignored` nothing to do (not for us, invalid, or already
   * applied: a redelivery); `blocked` dropped for a domain block; `failed` the handler threw
   * (Fedify retries the activity, so one activity may report `failed` before its final outcome).
   */
  onProcessed?: (type: string, outcome: InboxOutcome) => void;
  /** Where the handlers' social writes are announced (a new status, an ended follow, …). */
  socialEvents?: SocialEvents;
  logger?: InboxLogger;
}

const DEFAULT_FETCH_TIMEOUT_MS = 10_000;

type Handler<T extends Activity> = (
  deps: InboxDeps,
  ctx: InboxContext<void>,
  activity: T,
) => Promise<HandlerOutcome>;

/**
 * The inboxes (`/users/{identifier}/inbox` and the shared `/inbox`). Fedify verifies the HTTP
 * signature (401 otherwise; the signer is the activity's actor) and, with the queue, only
 * enqueues on the web node; these handlers run on the workers. Each is idempotent: a redelivered
 * activity changes nothing twice.
 */
export function registerInboxListeners(
  federation: Federation<void>,
  options: InboxHandlerOptions,
): void {
  const deps: InboxDeps = {
    db: options.db,
    social: new Social(options.db, options.socialEvents),
    domainBlocks: options.domainBlocks,
    fetchTimeoutMs: options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS,
  };
  const report = (type: string, outcome: InboxOutcome) => {
    try {
      options.onProcessed?.(type, outcome);
    } catch (error) {
      // A broken metrics callback must not make Fedify retry an applied activity.
      options.logger?.warn(`inbox onProcessed callback failed: ${String(error)}`);
    }
  };
  const handle =
    <T extends Activity>(type: string, handler: Handler<T>) =>
    async (ctx: InboxContext<void>, activity: T): Promise<void> => {
      if (!activity.actorId || (await isBlocked(deps, activity.actorId))) {
        report(type, activity.actorId ? 'blocked' : 'ignored');
        return;
      }
      let outcome: HandlerOutcome;
      try {
        outcome = await handler(deps, ctx, activity);
      } catch (error) {
        // A fetch a handler tried on a blocked domain (a mention, an object by URI) was refused.
        if (error instanceof BlockedDomainError) {
          report(type, 'blocked');
          return;
        }
        report(type, 'failed');
        throw error;
      }
      report(type, outcome);
    };
  federation
    .setInboxListeners('/users/{identifier}/inbox', '/inbox')
    .setSharedKeyDispatcher(() => options.sharedKey())
    .on(Follow, handle('Follow', onFollow))
    .on(Undo, handle('Undo', onUndo))
    .on(Accept, handle('Accept', onAccept))
    .on(Reject, handle('Reject', onReject))
    .on(Create, handle('Create', onCreate))
    .on(Update, handle('Update', onUpdate))
    .on(Like, handle('Like', onLike))
    // Pleroma/Akkoma (and Misskey forks) react with EmojiReact: a favourite to Mastodon clients.
    .on(EmojiReact, handle('EmojiReact', onLike))
    .on(Announce, handle('Announce', onAnnounce))
    .on(Delete, handle('Delete', onDelete))
    .on(Move, handle('Move', onMove))
    .on(Block, handle('Block', onBlock))
    .onError((_ctx, error) => {
      options.logger?.warn(`inbox activity failed (will be retried): ${String(error)}`);
    });
}
