import type { Federation, SenderKeyPair } from '@fedify/fedify';
import {
  Accept,
  Announce,
  Create,
  Delete,
  Follow,
  Like,
  Reject,
  Undo,
  Update,
} from '@fedify/fedify/vocab';
import type { DataSource } from 'typeorm';
import { onAccept } from './accept.handler';
import { onAnnounce } from './announce.handler';
import { onCreate } from './create.handler';
import { onDelete } from './delete.handler';
import { onFollow } from './follow.handler';
import { onLike } from './like.handler';
import { onReject } from './reject.handler';
import { onUndo } from './undo.handler';
import { onUpdate } from './update.handler';

/** Satisfied by `console` and by Nest's `Logger`. */
export interface InboxLogger {
  warn(message: string): void;
}

export interface InboxHandlerOptions {
  db: DataSource;
  /** Signs the fetches made while handling shared-inbox deliveries (the instance actor). */
  sharedKey: () => Promise<SenderKeyPair>;
  logger?: InboxLogger;
}

/**
 * The inboxes (`/users/{identifier}/inbox` and the shared `/inbox`). Fedify verifies the HTTP
 * signature (401 otherwise) and, with the queue, only enqueues on the web node; these handlers run
 * on the workers. Each is idempotent: a redelivered activity changes nothing twice.
 */
export function registerInboxListeners(
  federation: Federation<void>,
  options: InboxHandlerOptions,
): void {
  const { db } = options;
  federation
    .setInboxListeners('/users/{identifier}/inbox', '/inbox')
    .setSharedKeyDispatcher(() => options.sharedKey())
    .on(Follow, (ctx, follow) => onFollow(db, ctx, follow))
    .on(Undo, (ctx, undo) => onUndo(db, ctx, undo))
    .on(Accept, (ctx, accept) => onAccept(db, ctx, accept))
    .on(Reject, (ctx, reject) => onReject(db, ctx, reject))
    .on(Create, (ctx, create) => onCreate(db, ctx, create))
    .on(Update, (ctx, update) => onUpdate(db, ctx, update))
    .on(Like, (ctx, like) => onLike(db, ctx, like))
    .on(Announce, (ctx, announce) => onAnnounce(db, ctx, announce))
    .on(Delete, (ctx, del) => onDelete(db, ctx, del))
    .onError((_ctx, error) => {
      options.logger?.warn(`inbox activity failed (will be retried): ${String(error)}`);
    });
}
