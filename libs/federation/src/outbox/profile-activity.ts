import type { Context } from '@fedify/fedify';
import { PUBLIC_COLLECTION, Update, type Person, type Service } from '@fedify/fedify/vocab';
import { activityIds } from './activity-ids';

/** `Update(Person)` after a profile change; the id is unique per change (its time). */
export function updatePersonActivity(ctx: Context<void>, actor: Person | Service): Update {
  const at = actor.updated?.epochMilliseconds ?? Date.now();
  return new Update({
    id: activityIds.update(actor.id!, at),
    actor: actor.id,
    published: actor.updated,
    tos: [PUBLIC_COLLECTION],
    ccs: [ctx.getFollowersUri(actor.preferredUsername!.toString())],
    object: actor,
  });
}
