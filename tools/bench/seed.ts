/**
 * Seeds the benchmark database with set-based SQL (generate_series): `accounts` other accounts
 * followed by the bench member, `statuses` posts spread round-robin over them (a mix of
 * visibilities, replies, reblogs, mentions, hashtags, favourites by the member), the counters the
 * API shows, then VACUUM ANALYZE so the planner sees production-like statistics.
 *
 * Status ids are snowflakes built from each post's `created_at` (one minute apart, in the past),
 * exactly like `snowflake_id()` builds them, so rows created later by the API still sort after.
 */
import type pg from 'pg';

export interface SeedShape {
  accounts: number;
  statuses: number;
  tags: number;
}

export const DEFAULT_SHAPE: SeedShape = { accounts: 1_000, statuses: 100_000, tags: 50 };

/** One SQL phase: a label for the progress line and its statements. */
interface Phase {
  label: string;
  statements: string[];
}

/** The snowflake of post number `g` (`t0` is the seed's reference time, `n` the post count). */
const snowflakeOf = (g: string) =>
  `((floor(extract(epoch FROM (t0 - ((n - (${g})) * interval '1 minute'))) * 1000)::bigint << 16) | ((${g}) % 65536))`;

/**
 * The phases, in order. `$1` of every statement is the member's account id; the other accounts
 * are `bench_<n>` (n = 1…accounts), 30% of them remote, and are addressed as `ids[1 + k % accounts]`.
 */
function phases(shape: SeedShape): Phase[] {
  const { accounts, statuses, tags } = shape;
  const ids = `(SELECT array_agg(id ORDER BY id) FROM accounts WHERE username ~ '^bench_[0-9]+$')`;
  const accountOf = (k: string) => `ids[1 + ((${k}) % ${accounts})]`;
  return [
    {
      label: `${accounts.toLocaleString('en')} accounts`,
      statements: [
        `INSERT INTO accounts (username, domain, display_name, note, uri, url, inbox_url, created_at)
         SELECT 'bench_' || g,
                CASE WHEN g % 10 < 3 THEN 'remote' || (g % 7) || '.example' END,
                'Bench Account ' || g,
                CASE WHEN g % 10 < 3
                     THEN '<p>Remote researcher number ' || g || ', posting about <a href="https://remote.example/tags/science">#science</a>.</p>'
                     ELSE 'Researcher number ' || g || ' at the institute. Interested in #science and open data, see https://example.org/people/' || g END,
                CASE WHEN g % 10 < 3 THEN 'https://remote' || (g % 7) || '.example/users/bench_' || g END,
                CASE WHEN g % 10 < 3 THEN 'https://remote' || (g % 7) || '.example/@bench_' || g END,
                CASE WHEN g % 10 < 3 THEN 'https://remote' || (g % 7) || '.example/users/bench_' || g || '/inbox' END,
                now() - (g * interval '1 hour')
           FROM generate_series(1, ${accounts}) g`,
      ],
    },
    {
      label: `${accounts.toLocaleString('en')} follows`,
      statements: [
        `INSERT INTO follows (account_id, target_account_id)
         SELECT $1, id FROM accounts WHERE username ~ '^bench_[0-9]+$'`,
        `UPDATE accounts SET following_count = (SELECT count(*) FROM follows WHERE account_id = $1)
          WHERE id = $1`,
        `UPDATE accounts SET followers_count = 1 + (id % 500)::int, following_count = (id % 300)::int
          WHERE username ~ '^bench_[0-9]+$'`,
      ],
    },
    {
      label: `${tags} tags`,
      statements: [
        `INSERT INTO tags (name) SELECT 'topic' || g FROM generate_series(1, ${tags}) g`,
      ],
    },
    {
      label: `${statuses.toLocaleString('en')} statuses`,
      statements: [
        // The plan of every post: every 10th (g % 10 = 3) replies to the previous post, every
        // 20th (g % 20 = 7) reblogs the post 37 before it, every 4th (g % 4 = 1) mentions
        // someone, every 3rd has a hashtag; 80% public, 12% unlisted, 7% private, 1% direct.
        `CREATE TEMP TABLE seed_posts AS
         SELECT g, ${snowflakeOf('g')} AS id, ${accountOf('g')} AS account_id,
                t0 - ((n - g) * interval '1 minute') AS created_at,
                g % 20 = 7 AND g > 37 AS reblog,
                g % 10 = 3 AS reply,
                ${snowflakeOf('g - 1')} AS previous_id, ${accountOf('g - 1')} AS previous_account_id,
                ${snowflakeOf('g - 37')} AS reblogged_id,
                CASE WHEN g % 4 = 1 THEN ${accountOf('g * 7')} END AS mentioned_id,
                CASE WHEN g % 3 = 0 THEN 'topic' || (1 + g % ${tags}) END AS tag,
                CASE WHEN g % 20 = 7 AND g > 37 THEN 'public'
                     WHEN g % 100 < 80 THEN 'public' WHEN g % 100 < 92 THEN 'unlisted'
                     WHEN g % 100 < 99 THEN 'private' ELSE 'direct' END AS visibility
           FROM (SELECT now() AS t0, ${statuses} AS n, ${ids} AS ids) params
          CROSS JOIN generate_series(1, ${statuses}) g`,
        `INSERT INTO statuses (id, account_id, local, uri, url, text, content, visibility, language,
                               in_reply_to_id, in_reply_to_account_id, reblog_of_id, created_at)
         SELECT p.id, p.account_id, a.domain IS NULL,
                CASE WHEN a.domain IS NOT NULL THEN a.uri || '/statuses/' || p.g END,
                CASE WHEN a.domain IS NOT NULL THEN a.url || '/' || p.g END,
                CASE WHEN p.reblog THEN '' ELSE
                  'Post ' || p.g || ': measurements and notes from the lab, '
                  || repeat('lorem ipsum dolor sit amet ', 1 + p.g % 5)
                  || coalesce('#' || p.tag || ' ', '') || coalesce('cc @' || m.username, '') END,
                CASE WHEN p.reblog THEN '' ELSE
                  '<p>Post ' || p.g || ': measurements and notes from the lab, '
                  || repeat('lorem ipsum dolor sit amet ', 1 + p.g % 5)
                  || coalesce('<a href="https://bench.example/tags/' || p.tag
                              || '" class="mention hashtag" rel="tag">#<span>' || p.tag || '</span></a> ', '')
                  || coalesce('cc <span class="h-card"><a href="https://bench.example/@' || m.username
                              || '" class="u-url mention">@<span>' || m.username || '</span></a></span>', '')
                  || '</p>' END,
                p.visibility, 'en',
                CASE WHEN p.reply THEN p.previous_id END,
                CASE WHEN p.reply THEN p.previous_account_id END,
                CASE WHEN p.reblog THEN p.reblogged_id END,
                p.created_at
           FROM seed_posts p
           JOIN accounts a ON a.id = p.account_id
           LEFT JOIN accounts m ON m.id = p.mentioned_id
          ORDER BY p.g`,
      ],
    },
    {
      label: 'mentions, hashtags, favourites',
      statements: [
        // The mentioned account, the author replied to, and the member on every 50th post.
        `INSERT INTO mentions (status_id, account_id)
         SELECT id, mentioned_id FROM seed_posts WHERE mentioned_id IS NOT NULL AND NOT reblog
         UNION SELECT id, previous_account_id FROM seed_posts WHERE reply
         UNION SELECT id, $1 FROM seed_posts WHERE g % 50 = 1`,
        // The hashtag in the text, and a second one on every 6th post.
        `INSERT INTO status_tags (status_id, tag_id)
         SELECT p.id, t.id FROM seed_posts p JOIN tags t ON t.name = p.tag WHERE NOT p.reblog
         UNION
         SELECT p.id, t.id FROM seed_posts p
           JOIN tags t ON t.name = 'topic' || (1 + (p.g / 7) % ${tags}) WHERE p.g % 6 = 0`,
        `INSERT INTO favourites (account_id, status_id)
         SELECT $1, id FROM seed_posts WHERE g % 25 = 11 AND visibility <> 'direct' AND NOT reblog`,
        `DROP TABLE seed_posts`,
      ],
    },
    {
      label: 'counters',
      statements: [
        `UPDATE accounts a SET statuses_count = c.n, last_status_at = c.last
           FROM (SELECT account_id, count(*)::int AS n, max(created_at) AS last
                   FROM statuses GROUP BY account_id) c
          WHERE a.id = c.account_id`,
        `UPDATE statuses s SET replies_count = c.n
           FROM (SELECT in_reply_to_id, count(*)::int AS n FROM statuses
                  WHERE in_reply_to_id IS NOT NULL GROUP BY in_reply_to_id) c
          WHERE s.id = c.in_reply_to_id`,
        `UPDATE statuses s SET reblogs_count = c.n
           FROM (SELECT reblog_of_id, count(*)::int AS n FROM statuses
                  WHERE reblog_of_id IS NOT NULL GROUP BY reblog_of_id) c
          WHERE s.id = c.reblog_of_id`,
        `UPDATE statuses s SET favourites_count = 1 + (s.id % 40)::int
           FROM favourites f WHERE f.status_id = s.id`,
      ],
    },
  ];
}

/** Runs the seed, printing one line per phase with its duration. `$1` is the member's account. */
export async function seed(
  client: pg.Client,
  memberAccountId: string,
  shape: SeedShape,
  log: (line: string) => void,
): Promise<void> {
  for (const phase of phases(shape)) {
    const started = performance.now();
    let rows = 0;
    for (const statement of phase.statements) {
      const uses$1 = statement.includes('$1');
      const result = await client.query(statement, uses$1 ? [memberAccountId] : []);
      if (result.command === 'INSERT' || result.command === 'UPDATE') rows += result.rowCount ?? 0;
    }
    log(`${phase.label}: ${rows.toLocaleString('en')} rows written in ${seconds(started)}`);
  }
  const started = performance.now();
  await client.query('VACUUM ANALYZE');
  log(`VACUUM ANALYZE in ${seconds(started)}`);
}

export const seconds = (startedAt: number) =>
  `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
