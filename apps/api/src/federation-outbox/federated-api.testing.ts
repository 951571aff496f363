import { loadConfig } from '@fediflow/config';
import { FederationRuntime } from '@fediflow/federation';
import { RemoteServer } from '@fediflow/federation/testing';
import { SocialEvents } from '@fediflow/social';
import { remoteActor } from '@fediflow/testing/fixtures';
import { TEST_ORIGIN } from '@fediflow/testing';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';

export interface FederatedApi {
  api: ApiHarness;
  /** A loopback fediverse server with one actor, `bob`, that signs what it sends. */
  remote: RemoteServer;
  /** The workers' side: runs the federation queue on the same database and Redis prefix. */
  worker: FederationRuntime;
  /** bob's account row here, as an accepted remote lookup leaves it. */
  bobId: string;
  close(): Promise<void>;
}

/** The member API plus a queue-running worker runtime and a remote server to federate with. */
export async function startFederatedApi(label: string): Promise<FederatedApi> {
  const api = await startApi(label);
  const remote = await RemoteServer.start();
  const config = loadConfig('workers', {
    PUBLIC_ORIGIN: TEST_ORIGIN,
    LOG_LEVEL: 'silent',
    ...api.infra.env,
  });
  // The inbound writes are announced where the api's are, so they reach the home feeds too.
  const worker = new FederationRuntime(config, api.db, api.service.app.get(SocialEvents));
  const stopWorker = new AbortController();
  const workerRunning = worker.federation.startQueue(undefined, { signal: stopWorker.signal });
  const bobId = await remoteActor(api.db, {
    username: 'bob',
    uri: remote.actorId,
    inbox: remote.inbox,
    sharedInbox: new URL('/inbox', remote.origin),
  });
  return {
    api,
    remote,
    worker,
    bobId,
    close: async () => {
      stopWorker.abort();
      await workerRunning;
      await worker.onApplicationShutdown();
      await remote.close();
      await api.close();
    },
  };
}
