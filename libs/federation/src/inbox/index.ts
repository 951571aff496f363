export {
  registerInboxListeners,
  type InboxHandlerOptions,
  type InboxLogger,
} from './inbox-listeners';
export { upsertRemoteActor } from './remote-actors';
