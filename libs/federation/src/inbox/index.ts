export {
  registerInboxListeners,
  type InboxHandlerOptions,
  type InboxLogger,
  type InboxOutcome,
} from './inbox-listeners';
export { attachStatusTags, HASHTAG_NAME_SOURCE } from './hashtags';
export { upsertRemoteActor } from './remote-actors';
