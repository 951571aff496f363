import type { InboxDeps } from './inbox-deps';

/**
 * Removes a remote account and everything of it, as Mastodon does on `Delete` of an actor (see
 * `AccountsRepository.deleteRemote`). The row goes too, so a redelivered Delete finds nothing,
 * and a later activity from the actor is treated as from a stranger (and Fedify cannot verify it
 * once the actor document is gone). Returns whether there was such an account.
 */
export async function deleteRemoteAccount({ social }: InboxDeps, actorUri: URL): Promise<boolean> {
  return social.transaction(async (manager) => {
    const [account] = (await manager.query(
      `SELECT id::text AS id FROM accounts WHERE uri = $1 AND domain IS NOT NULL`,
      [actorUri.href],
    )) as { id: string }[];
    return account ? social.accounts.deleteRemote(manager, account.id) : false;
  });
}
