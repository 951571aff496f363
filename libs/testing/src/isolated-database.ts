import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface IsolatedDatabase {
  /** URL of a brand-new, empty database owned by this suite. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function withAdminClient<T>(
  serverUrl: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database on the test server, so suites run in parallel and re-run without
 * clean-up of each other's data. `label` only makes leftovers recognisable.
 */
export async function createIsolatedDatabase(
  serverUrl: string,
  label: string,
): Promise<IsolatedDatabase> {
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  const name = `ff_${safeLabel}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdminClient(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      ).then(() => undefined),
  };
}
