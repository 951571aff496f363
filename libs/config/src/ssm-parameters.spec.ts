import { describe, expect, it } from 'vitest';
import { resolveSsmParameters, SsmParameterError, type Fetch } from './ssm-parameters';

function extension(values: Record<string, string>, calls: string[] = []): Fetch {
  return async (url, init) => {
    calls.push(url);
    const name = new URL(url).searchParams.get('name') ?? '';
    if (init.headers['X-Aws-Parameters-Secrets-Token'] !== 'token')
      return new Response('', { status: 401 });
    const value = values[name];
    return value === undefined
      ? new Response('{}', { status: 400 })
      : Response.json({ Parameter: { Name: name, Value: value } });
  };
}

describe('resolveSsmParameters', () => {
  it('fills each secret variable from the SecureString it names, decrypted, on the extension port', async () => {
    const calls: string[] = [];
    const env = await resolveSsmParameters(
      {
        DATABASE_URL_SSM_PARAMETER: '/fediflow/database/url',
        REDIS_URL_SSM_PARAMETER: '/fediflow/redis/url',
        AWS_SESSION_TOKEN: 'token',
        PUBLIC_ORIGIN: 'https://x.test',
      },
      extension(
        { '/fediflow/database/url': 'postgres://db', '/fediflow/redis/url': 'redis://r' },
        calls,
      ),
    );
    expect(env).toMatchObject({
      DATABASE_URL: 'postgres://db',
      REDIS_URL: 'redis://r',
      PUBLIC_ORIGIN: 'https://x.test',
    });
    expect(calls.sort()).toEqual([
      'http://localhost:2773/systemsmanager/parameters/get?name=%2Ffediflow%2Fdatabase%2Furl&withDecryption=true',
      'http://localhost:2773/systemsmanager/parameters/get?name=%2Ffediflow%2Fredis%2Furl&withDecryption=true',
    ]);
  });

  it('leaves an environment without parameters as it is (local runs, tests)', async () => {
    const env = { DATABASE_URL: 'postgres://local' };
    expect(await resolveSsmParameters(env, extension({}))).toBe(env);
  });

  it('names the variable and the parameter when one cannot be read', async () => {
    const missing = resolveSsmParameters(
      { DATABASE_URL_SSM_PARAMETER: '/fediflow/nope', AWS_SESSION_TOKEN: 'token' },
      extension({}),
    );
    await expect(missing).rejects.toThrow(SsmParameterError);
    await expect(missing).rejects.toThrow(/DATABASE_URL: reading \/fediflow\/nope answered 400/);
    await expect(
      resolveSsmParameters({ REDIS_URL_SSM_PARAMETER: '/fediflow/redis/url' }, extension({})),
    ).rejects.toThrow(/AWS_SESSION_TOKEN is not set/);
  });
});
