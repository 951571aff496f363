import { describe, expect, it } from 'vitest';
import { corsRuleFor } from './cors';

describe('corsRuleFor (Mastodon config/initializers/cors.rb)', () => {
  it('matches the paths Mastodon opens to other origins, with their methods', () => {
    const cases: Array<[string, string | undefined]> = [
      ['/api/v1/statuses/1', 'POST PUT DELETE GET PATCH OPTIONS'],
      ['/api/v2/search?q=x', 'POST PUT DELETE GET PATCH OPTIONS'],
      ['/.well-known/webfinger?resource=acct:a@b', 'GET'],
      ['/nodeinfo/2.1', 'GET'],
      ['/users/alice', 'GET'],
      ['/@alice', 'GET'],
      ['/oauth/token', 'POST'],
      ['/oauth/revoke', 'POST'],
      ['/oauth/userinfo', 'GET POST'],
      // Pages and server-to-server endpoints stay same-origin.
      ['/oauth/authorize', undefined],
      ['/users/alice/inbox', undefined],
      ['/inbox', undefined],
      ['/@alice/123', undefined],
      ['/apis', undefined],
    ];
    for (const [url, methods] of cases) {
      expect(corsRuleFor(url)?.methods.join(' '), url).toBe(methods);
    }
  });
});
