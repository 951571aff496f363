/**
 * Test helpers of the federation core (`@fediflow/federation/testing`): a loopback remote server,
 * a remote inbox with scripted answers, and other servers' parser rules. Only tests import them.
 */
export * from './delivery/faulty-remote.testing';
export * from './interop/peer-rules.testing';
export * from './remote-server.testing';
export * from './inbox/remote-activities.testing';
