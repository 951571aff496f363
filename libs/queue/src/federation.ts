/**
 * `@fediflow/queue/federation`: the policy of Fedify's queue. It runs on the federation adapters,
 * not BullMQ, so this entry point loads no BullMQ (the api and federation services never do).
 */
export * from './federation-queue';
export * from './retry-policy';
