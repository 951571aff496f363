import type { EntityManager } from 'typeorm';

/** What a social write needs of its caller: a connection or, usually, the caller's transaction. */
export type Queryable = Pick<EntityManager, 'query'>;
