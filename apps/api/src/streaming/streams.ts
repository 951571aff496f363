import type { StreamChannels, StreamEvent } from '@fediflow/social';
import type { AccessToken } from '../common/auth/access-token';
import { grants } from '../common/auth/scopes';

/** What a client asks for: Mastodon's `stream` name and its parameter (`tag` for hashtags). */
export interface StreamRequest {
  stream?: unknown;
  tag?: unknown;
}

/** One resolved subscription of a connection. */
export interface StreamSpec {
  /** The `stream` field of each message, e.g. `['hashtag', 'Cats']` (the tag as the client sent it). */
  readonly name: readonly string[];
  readonly channel: string;
  /** Only these events pass (the `user:notification` stream); every event when unset. */
  readonly events?: ReadonlySet<StreamEvent>;
}

/** A refused subscription: the HTTP status (SSE) or the `status` of the error message (WebSocket). */
export class StreamError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 429,
    message: string,
  ) {
    super(message);
  }
}

export const STATUS_EVENTS: ReadonlySet<StreamEvent> = new Set([
  'update',
  'status.update',
  'delete',
]);
const NOTIFICATIONS: ReadonlySet<StreamEvent> = new Set(['notification']);

/**
 * Resolves a stream as Mastodon's streaming server does: the user streams need a member's token
 * with a read scope, public and hashtag streams are open; unknown streams are a 400 (an error
 * message on a WebSocket, which stays open).
 */
export function resolveStream(
  request: StreamRequest,
  token: AccessToken | undefined,
  channels: StreamChannels,
): StreamSpec {
  // Mastodon takes the first of an array (`"stream":["user"]`, as its own frames name streams).
  const first: unknown = Array.isArray(request.stream) ? request.stream[0] : request.stream;
  const stream = typeof first === 'string' ? first : '';
  switch (stream) {
    case 'user':
    case 'user:notification': {
      const scope = stream === 'user' ? 'read:statuses' : 'read:notifications';
      if (!token?.accountId) throw new StreamError(401, 'Missing access token');
      if (!grants(token.scopes, scope)) {
        throw new StreamError(401, 'Access token does not have the required scopes');
      }
      return {
        name: [stream],
        channel: channels.user(token.accountId),
        events: stream === 'user' ? undefined : NOTIFICATIONS,
      };
    }
    case 'public':
    case 'public:local':
      return {
        name: [stream],
        channel: channels.public(stream === 'public:local'),
        events: STATUS_EVENTS,
      };
    case 'hashtag':
    case 'hashtag:local': {
      const asSent = typeof request.tag === 'string' ? request.tag : '';
      const tag = asSent.replace(/^#/, '').trim();
      if (!tag) throw new StreamError(400, 'No tag for stream provided');
      return {
        // Echoed as sent, as Mastodon does: masto.js matches events by the tag it subscribed with.
        name: [stream, asSent],
        channel: channels.hashtag(tag, stream === 'hashtag:local'),
        events: STATUS_EVENTS,
      };
    }
    default:
      throw new StreamError(400, 'Unknown stream type');
  }
}

/** The SSE paths below `/api/v1/streaming/` and the stream each serves. */
export const SSE_STREAMS: Readonly<Record<string, string>> = {
  user: 'user',
  'user/notification': 'user:notification',
  public: 'public',
  'public/local': 'public:local',
  hashtag: 'hashtag',
  'hashtag/local': 'hashtag:local',
};
