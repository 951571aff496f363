import { loadConfigOrExit } from '@fediflow/config';
import { createDataSource } from '@fediflow/database';
import { CircuitBreaker, DeliveryFailures, listPendingFollowRequests } from '@fediflow/federation';
import { federationKeyPrefix } from '@fediflow/federation-adapters';
import { createRedisConnection } from '@fediflow/redis';
import { DELIVERIES_USAGE, runDeliveriesCommand, UsageError } from './deliveries-command';

/**
 * Operator command built into the workers image: `node dist/apps/workers/deliveries.js failed
 * --host mastodon.example` lists recorded delivery failures, `… circuits` the hosts held back,
 * `… follows` members' follow requests that remote servers have left unanswered.
 * Reads the workers' own environment (DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX).
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.length === 0) {
    process.stdout.write(`${DELIVERIES_USAGE}\n`);
    return;
  }
  const config = loadConfigOrExit('workers');
  const db = createDataSource({
    url: config.DATABASE_URL,
    applicationName: 'fediflow-deliveries',
    poolSize: 1,
  });
  const redis = createRedisConnection({
    url: config.REDIS_URL,
    name: 'workers:deliveries-cli',
    role: 'command',
    lazyConnect: true,
  });
  try {
    const failures = new DeliveryFailures(db);
    const circuits = new CircuitBreaker(redis, {
      keyPrefix: federationKeyPrefix(config.REDIS_KEY_PREFIX),
    });
    const output = await runDeliveriesCommand(argv, {
      failed: async (options) => {
        if (!db.isInitialized) await db.initialize();
        return failures.list(options);
      },
      openCircuits: async () => {
        // A command connection queues nothing while offline: connect before asking.
        if (redis.status === 'wait') await redis.connect();
        return circuits.listOpen();
      },
      pendingFollows: async ({ limit }) => {
        if (!db.isInitialized) await db.initialize();
        return listPendingFollowRequests(db, limit);
      },
    });
    process.stdout.write(`${output}\n`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${DELIVERIES_USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(
        `deliveries: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    if (db.isInitialized) await db.destroy();
    redis.disconnect();
  }
}

void main();
