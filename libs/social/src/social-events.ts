import { Logger } from '@nestjs/common';

/** A status stored here (a local post, a remote one, or a reblog, which is a status too). */
export interface StatusCreated {
  statusId: string;
  accountId: string;
  inReplyToId: string | null;
  reblogOfId: string | null;
}

/** A stored status whose content changed (an edit here, or a remote Update). */
export interface StatusUpdated {
  statusId: string;
  accountId: string;
}

export interface StatusDeleted {
  statusId: string;
  accountId: string;
  /** For a reblog, its original (home feeds show the next reblog of it in its place). */
  reblogOfId: string | null;
}

/** A follow in force (requests are not follows until accepted). */
export interface FollowChanged {
  followerId: string;
  targetId: string;
}

/** A notification recorded for a member (not for a duplicate the unique index absorbed). */
export interface NotificationCreated {
  notificationId: string;
  /** The member notified. */
  accountId: string;
}

/**
 * A block or a mute by `viewerId` (a member, or a remote actor's Block of a member) of
 * `targetAccountId`. While it lasts the viewer sees nothing of the target in any feed.
 */
export interface RelationChanged {
  viewerId: string;
  targetAccountId: string;
}

/** A member's own block of a whole domain (not the admin's): its accounts are hidden from them. */
export interface DomainBlockChanged {
  viewerId: string;
  domain: string;
}

/** Everything the social layer announces, by name. */
export interface SocialEventMap {
  statusCreated: StatusCreated;
  statusUpdated: StatusUpdated;
  statusDeleted: StatusDeleted;
  notificationCreated: NotificationCreated;
  followStarted: FollowChanged;
  followEnded: FollowChanged;
  blockStarted: RelationChanged;
  blockEnded: RelationChanged;
  muteStarted: RelationChanged;
  muteEnded: RelationChanged;
  domainBlockStarted: DomainBlockChanged;
  domainBlockEnded: DomainBlockChanged;
  /** Members of one of the viewer's exclusive lists changed (their posts leave or rejoin home). */
  exclusiveListsChanged: { viewerId: string };
}

export type SocialEventName = keyof SocialEventMap;

export type SocialListener<K extends SocialEventName> = (
  event: SocialEventMap[K],
) => void | Promise<void>;

export type ListenerErrorHandler = (error: unknown, name: SocialEventName) => void;

/**
 * The hook for what follows a social write (home feeds, streaming, search): listeners run after
 * the write has committed, one after another. The write is done by then, so a failing listener
 * is reported and neither stops the others nor fails the write.
 */
export class SocialEvents {
  private readonly listeners = new Map<SocialEventName, Set<SocialListener<never>>>();

  constructor(private readonly onListenerError: ListenerErrorHandler = logListenerError) {}

  /** Returns the unsubscribe function. */
  subscribe<K extends SocialEventName>(name: K, listener: SocialListener<K>): () => void {
    let listeners = this.listeners.get(name);
    if (!listeners) this.listeners.set(name, (listeners = new Set()));
    const stored = listener as SocialListener<never>;
    listeners.add(stored);
    return () => {
      listeners.delete(stored);
    };
  }

  async emit<K extends SocialEventName>(name: K, event: SocialEventMap[K]): Promise<void> {
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      try {
        await (listener as SocialListener<K>)(event);
      } catch (error) {
        this.onListenerError(error, name);
      }
    }
  }
}

const logger = new Logger(SocialEvents.name);

function logListenerError(error: unknown, name: SocialEventName): void {
  logger.error(`a ${name} listener failed: ${String(error)}`);
}
