export {
  registerInboxListeners,
  type InboxHandlerOptions,
  type InboxLogger,
  type InboxOutcome,
} from './inbox-listeners';
export { upsertRemoteActor } from './remote-actors';
