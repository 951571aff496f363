import { AS, type RemoteServer, type ReceivedRequest } from '@fediflow/federation/testing';
import type { FederationRuntime } from '@fediflow/federation';
import { registerApp, registerMembers, TEST_ORIGIN, waitFor, type Member } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelationshipJson } from '../accounts/relationships.view';
import { startFederatedApi, type FederatedApi } from '../federation-outbox/federated-api.testing';
import type { ApiHarness } from '../testing/api-harness.testing';

interface Delivered {
  request: ReceivedRequest;
  activity: Record<string, unknown> & { type: string; id: string };
}

/** Blocks as remote servers see them (Mastodon's Block and Undo(Block)) and as they send them. */
describe('federated blocks', () => {
  let federated: FederatedApi;
  let api: ApiHarness;
  let remote: RemoteServer;
  let worker: FederationRuntime;
  let bobId: string;
  let alice: Member;
  let carol: Member;

  const delivered = (): Delivered[] =>
    remote.received
      .filter((request) => request.method === 'POST')
      .map((request) => ({ request, activity: JSON.parse(request.body) as Delivered['activity'] }));
  const arrival = (what: string, match: (d: Delivered) => boolean) =>
    waitFor(what, async () => delivered().find(match));
  const relationship = async (member: Member) =>
    (await member.client.get<RelationshipJson[]>(`/api/v1/accounts/relationships?id[]=${bobId}`))
      .body[0]!;
  const deliver = async (activity: object) => {
    const response = await worker.federation.fetch(
      await remote.post(`${TEST_ORIGIN}/users/alice/inbox`, { '@context': AS, ...activity }),
      { contextData: undefined },
    );
    return response.status;
  };
  /** The outbox ids handed out so far: rows relayed and pruned still count. */
  const outboxRows = async () =>
    (
      (await api.db.query(
        `SELECT CASE WHEN is_called THEN last_value ELSE 0 END::int AS n
           FROM federation_outbox_id_seq`,
      )) as { n: number }[]
    )[0]!.n;

  beforeAll(async () => {
    federated = await startFederatedApi('relations-federation');
    ({ api, remote, worker, bobId } = federated);
    [alice, carol] = await registerMembers(api.base, await registerApp(api.base), [
      'alice',
      'carol',
    ]);
  });
  afterAll(async () => {
    await federated?.close();
  });

  it('blocking a remote account sends Undo(Follow) and a Block of the actor to its inbox', async () => {
    const followUri = `${TEST_ORIGIN}/users/alice#follows/1`;
    await api.db.query(
      `INSERT INTO follows (account_id, target_account_id, uri) VALUES ($1, $2, $3)`,
      [alice.accountId, bobId, followUri],
    );
    const response = await alice.client.post<RelationshipJson>(`/api/v1/accounts/${bobId}/block`);
    expect(response.body).toMatchObject({ blocking: true, following: false });
    const block = await arrival('the Block', (d) => d.activity.type === 'Block');
    // Mastodon's shape: the object is the blocked actor's id; sent to that actor's own inbox.
    expect(block.request.url).toBe('/users/bob/inbox');
    expect(block.activity).toMatchObject({
      '@context': expect.anything(),
      type: 'Block',
      actor: `${TEST_ORIGIN}/users/alice`,
      object: remote.actorId.href,
    });
    expect(block.activity.id).toMatch(/^https:\/\/fediflow\.test\/users\/alice#blocks\/\d+$/);
    expect(String(block.request.headers.signature)).toMatch(
      /keyId="https:\/\/fediflow\.test\/users\/alice#main-key"/,
    );
    expect(await api.db.query(`SELECT uri FROM blocks`)).toEqual([{ uri: block.activity.id }]);
    const undoFollow = await arrival(
      'the Undo(Follow)',
      (d) =>
        d.activity.type === 'Undo' && (d.activity.object as { type?: string }).type === 'Follow',
    );
    expect(undoFollow.activity).toMatchObject({ object: { id: followUri } });

    // A repeated block sends nothing more.
    const rows = await outboxRows();
    await alice.client.post(`/api/v1/accounts/${bobId}/block`);
    expect(await outboxRows()).toBe(rows);
  });

  it('unblocking sends Undo(Block) embedding the same Block', async () => {
    const [{ uri }] = (await api.db.query(`SELECT uri FROM blocks`)) as [{ uri: string }];
    const response = await alice.client.post<RelationshipJson>(`/api/v1/accounts/${bobId}/unblock`);
    expect(response.body.blocking).toBe(false);
    const undo = await arrival(
      'the Undo(Block)',
      (d) =>
        d.activity.type === 'Undo' && (d.activity.object as { type?: string }).type === 'Block',
    );
    expect(undo.request.url).toBe('/users/bob/inbox');
    expect(undo.activity).toMatchObject({
      id: `${uri}/undo`,
      actor: `${TEST_ORIGIN}/users/alice`,
      object: {
        type: 'Block',
        id: uri,
        actor: `${TEST_ORIGIN}/users/alice`,
        object: remote.actorId.href,
      },
    });
    // Unblocking again (nothing to undo) sends nothing.
    const rows = await outboxRows();
    await alice.client.post(`/api/v1/accounts/${bobId}/unblock`);
    expect(await outboxRows()).toBe(rows);
  });

  it('blocking a local member federates nothing', async () => {
    const rows = await outboxRows();
    const response = await alice.client.post<RelationshipJson>(
      `/api/v1/accounts/${carol.accountId}/block`,
    );
    expect(response.body.blocking).toBe(true);
    expect(await outboxRows()).toBe(rows);
    await alice.client.post(`/api/v1/accounts/${carol.accountId}/unblock`);
  });

  it('a remote Block ends the follows both ways and shows as blocked_by; its Undo lifts it', async () => {
    await api.db.query(
      `INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2), ($2, $1)`,
      [alice.accountId, bobId],
    );
    const blockId = `${remote.origin}/users/bob#blocks/7`;
    const block = {
      id: blockId,
      type: 'Block',
      actor: remote.actorId.href,
      object: `${TEST_ORIGIN}/users/alice`,
    };
    expect(await deliver(block)).toBe(202);
    const blocked = await waitFor('the remote block', async () => {
      const relation = await relationship(alice);
      return relation.blocked_by ? relation : undefined;
    });
    expect(blocked).toMatchObject({ following: false, followed_by: false, blocking: false });

    // Mastodon sends the Undo with the Block embedded.
    expect(
      await deliver({
        id: `${blockId}/undo`,
        type: 'Undo',
        actor: remote.actorId.href,
        object: block,
      }),
    ).toBe(202);
    await waitFor('the block to be lifted', async () =>
      (await relationship(alice)).blocked_by ? undefined : true,
    );
  });

  it('a Follow from an actor the member blocks is rejected', async () => {
    await alice.client.post(`/api/v1/accounts/${bobId}/block`);
    const followId = `${remote.origin}/users/bob#follows/99`;
    expect(
      await deliver({
        id: followId,
        type: 'Follow',
        actor: remote.actorId.href,
        object: `${TEST_ORIGIN}/users/alice`,
      }),
    ).toBe(202);
    const reject = await arrival('the Reject', (d) => d.activity.type === 'Reject');
    expect(reject.activity).toMatchObject({
      actor: `${TEST_ORIGIN}/users/alice`,
      object: { type: 'Follow', id: followId },
    });
    expect((await relationship(alice)).followed_by).toBe(false);
  });

  it('a domain block sends Undo(Follow) for the member’s follows there and Reject for theirs', async () => {
    await alice.client.post(`/api/v1/accounts/${bobId}/unblock`);
    const ownFollow = `${TEST_ORIGIN}/users/alice#follows/2`;
    const theirFollow = `${remote.origin}/users/bob#follows/100`;
    await api.db.query(
      `INSERT INTO follows (account_id, target_account_id, uri) VALUES ($1, $2, $3), ($2, $1, $4)`,
      [alice.accountId, bobId, ownFollow, theirFollow],
    );
    const domain = new URL(remote.origin).host;
    const response = await alice.client.post('/api/v1/domain_blocks', { domain });
    expect([response.status, response.body]).toEqual([200, {}]);
    expect(await relationship(alice)).toMatchObject({
      domain_blocking: true,
      following: false,
      followed_by: false,
    });
    const undo = await arrival(
      'the Undo(Follow)',
      (d) => d.activity.type === 'Undo' && (d.activity.object as { id?: string }).id === ownFollow,
    );
    expect(undo.request.url).toBe('/users/bob/inbox');
    const reject = await arrival(
      'the Reject',
      (d) =>
        d.activity.type === 'Reject' && (d.activity.object as { id?: string }).id === theirFollow,
    );
    expect(reject.activity).toMatchObject({
      actor: `${TEST_ORIGIN}/users/alice`,
      object: { type: 'Follow', actor: remote.actorId.href, object: `${TEST_ORIGIN}/users/alice` },
    });
    // Blocked again, the domain has nothing left to end: nothing more is sent.
    const rows = await outboxRows();
    await alice.client.post('/api/v1/domain_blocks', { domain });
    expect(await outboxRows()).toBe(rows);
  });
});
