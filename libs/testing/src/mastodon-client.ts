/** A minimal Mastodon API client over fetch, for tests and benchmarks that drive FediFlow over HTTP. */
export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export class MastodonClient {
  constructor(
    readonly base: string,
    readonly token?: string,
  ) {}

  as(token: string): MastodonClient {
    return new MastodonClient(this.base, token);
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: {
      json?: unknown;
      form?: Record<string, string>;
      /** multipart/form-data (uploads); fetch sets the boundary. */
      multipart?: FormData;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    let body: string | FormData | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.multipart) {
      body = options.multipart;
    }
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body,
      redirect: 'manual',
    });
    const text = await response.text();
    let parsed: unknown = text;
    if (response.headers.get('content-type')?.includes('json') && text !== '')
      parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = unknown>(path: string, json: unknown = {}, headers?: Record<string, string>) {
    return this.request<T>('POST', path, { json, headers });
  }
  put<T = unknown>(path: string, json: unknown) {
    return this.request<T>('PUT', path, { json });
  }
  patch<T = unknown>(path: string, json: unknown) {
    return this.request<T>('PATCH', path, { json });
  }
  delete<T = unknown>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

export interface RegisteredApp {
  client_id: string;
  client_secret: string;
  scopes?: string[];
}

export interface Member {
  client: MastodonClient;
  accountId: string;
  username: string;
  email: string;
  password: string;
}

/** Registers an OAuth app the way a Mastodon client does. */
export async function registerApp(
  base: string,
  scopes = 'read write follow push',
): Promise<RegisteredApp> {
  const response = await new MastodonClient(base).post<RegisteredApp>('/api/v1/apps', {
    client_name: 'FediFlow test client',
    redirect_uris: 'urn:ietf:wg:oauth:2.0:oob',
    scopes,
  });
  if (response.status !== 200)
    throw new Error(`app registration failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Signs a member up through the API (registrations must be open) and returns a client with their token. */
export async function registerMember(
  base: string,
  app: RegisteredApp,
  username: string,
): Promise<Member> {
  const anonymous = new MastodonClient(base);
  const appToken = await anonymous.request<{ access_token: string }>('POST', '/oauth/token', {
    form: {
      grant_type: 'client_credentials',
      client_id: app.client_id,
      client_secret: app.client_secret,
      scope: app.scopes?.join(' ') ?? 'read write follow push',
    },
  });
  if (appToken.status !== 200)
    throw new Error(`client_credentials failed: ${JSON.stringify(appToken.body)}`);
  const email = `${username}@example.test`;
  const password = `pw-${username}-correct-horse`;
  const signup = await anonymous
    .as(appToken.body.access_token)
    .post<{ access_token: string }>('/api/v1/accounts', {
      username,
      email,
      password,
      agreement: true,
      locale: 'en',
    });
  if (signup.status !== 200)
    throw new Error(
      `registration of ${username} failed: ${signup.status} ${JSON.stringify(signup.body)}`,
    );
  const client = anonymous.as(signup.body.access_token);
  const me = await client.get<{ id: string }>('/api/v1/accounts/verify_credentials');
  return { client, accountId: me.body.id, username, email, password };
}

/** Registers several members at once: `const [alice, bob] = await registerMembers(base, app, ['alice', 'bob'])`. */
export async function registerMembers<const Names extends readonly string[]>(
  base: string,
  app: RegisteredApp,
  names: Names,
): Promise<{ [K in keyof Names]: Member }> {
  const members: Member[] = [];
  // Sequential: each sign-up hashes a password with scrypt, which is deliberately expensive.
  for (const name of names) members.push(await registerMember(base, app, name));
  return members as { [K in keyof Names]: Member };
}
