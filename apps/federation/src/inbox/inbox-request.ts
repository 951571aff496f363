/** Request headers as Fastify (node:http) hands them over. */
export type RawHeaders = Record<string, string | string[] | undefined>;

/** A header's value; repeated headers joined as HTTP allows. */
export function header(headers: RawHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The actor ids an activity names (`actor` as a URI, an object with `id`, or a list of them). */
export function actorIds(activity: Record<string, unknown>): string[] {
  return [activity['actor']]
    .flat()
    .map((actor) =>
      typeof actor === 'string'
        ? actor
        : actor && typeof actor === 'object' && typeof (actor as { id?: unknown }).id === 'string'
          ? (actor as { id: string }).id
          : undefined,
    )
    .filter((id): id is string => id !== undefined);
}
