import { loadConfigOrExit } from '@fediflow/config';
import { createDataSource } from '@fediflow/database';
import { createLogger } from '@fediflow/observability';
import { Social } from '@fediflow/social';
import { hashPassword, randomSecret } from './common/secrets';

/** Demo members for local development; re-running changes nothing. */
const MEMBERS = [
  { username: 'alice', displayName: 'Alice Archivist', note: 'Keeps the #library running.' },
  {
    username: 'bob',
    displayName: 'Bob Builder',
    note: 'Facilities team. Ask me about #buildings.',
  },
  { username: 'carol', displayName: 'Carol Coordinator', note: 'Events and #community.' },
];

const POSTS: [string, string][] = [
  ['alice', 'Welcome to FediFlow! The reading room opens at 9 tomorrow. #library'],
  ['bob', 'Heating maintenance in building B on Friday. #buildings'],
  ['carol', 'Hello @alice and @bob, the spring meetup is on! #community'],
  ['alice', 'New archive scans are online: https://example.org/archive #library'],
];

/**
 * `npm run db:seed` (and `node dist/apps/api/seed.js`): demo members, follows and posts. Refuses
 * to run in production. The password is SEED_PASSWORD when set, else printed.
 */
async function seed(): Promise<void> {
  const config = loadConfigOrExit('migrate');
  const logger = createLogger({ service: 'seed', level: config.LOG_LEVEL });
  if (config.NODE_ENV === 'production') {
    logger.error('refusing to seed demo data into a production database');
    process.exitCode = 1;
    return;
  }
  // eslint-disable-next-line no-restricted-syntax -- a dev-only tool's one optional input
  const password = process.env['SEED_PASSWORD'] ?? 'fediflow-demo';
  const db = createDataSource({
    url: config.DATABASE_URL,
    applicationName: 'fediflow-seed',
    poolSize: 2,
  });
  await db.initialize();
  try {
    const passwordHash = await hashPassword(password);
    const social = new Social(db);
    await social.transaction(async (manager) => {
      for (const member of MEMBERS) {
        await manager.query(
          `WITH account AS (
             INSERT INTO accounts (username, display_name, note) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING RETURNING id)
           INSERT INTO users (account_id, email, password_hash, unsubscribe_token)
           SELECT id, $4, $5, $6 FROM account`,
          [
            member.username,
            member.displayName,
            member.note,
            `${member.username}@fediflow.localhost`,
            passwordHash,
            randomSecret(24),
          ],
        );
      }
      const seeded: { n: number }[] = await manager.query(
        `SELECT count(*)::int AS n FROM statuses WHERE local`,
      );
      if ((seeded[0]?.n ?? 0) > 0) return;
      const pairs: { a: string; b: string }[] = await manager.query(
        `SELECT a.id::text AS a, b.id::text AS b FROM accounts a, accounts b
          WHERE a.domain IS NULL AND b.domain IS NULL AND a.id <> b.id AND a.username = ANY($1) AND b.username = ANY($1)`,
        [MEMBERS.map((m) => m.username)],
      );
      for (const { a, b } of pairs) await social.follows.start(manager, a, b);
      for (const [username, text] of POSTS) {
        // Plain text rendered the simple way here; posts made through the API get full linking.
        const content = `<p>${text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')}</p>`;
        const [status]: { id: string; account_id: string }[] = await manager.query(
          `INSERT INTO statuses (account_id, local, text, content, visibility)
           SELECT id, true, $2, $3, 'public' FROM accounts WHERE username = $1 AND domain IS NULL
           RETURNING id::text AS id, account_id::text AS account_id`,
          [username, text, content],
        );
        if (!status) continue;
        await social.statuses.created(manager, {
          statusId: status.id,
          accountId: status.account_id,
          inReplyToId: null,
          reblogOfId: null,
        });
      }
    });
    logger.info(
      { members: MEMBERS.map((m) => `${m.username}@fediflow.localhost`) },
      `demo data ready; sign in with any of these e-mail addresses and the password "${password}"`,
    );
  } finally {
    await db.destroy();
  }
}

seed().catch((error: unknown) => {
  console.error('seed failed:', error);
  process.exitCode = 1;
});
