import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OAuthError } from '../common/api-error';
import { withinScopes } from '../common/auth/scopes';
import { digest, randomSecret, verifyPassword } from '../common/secrets';
import { verifyPkce } from './pkce';

export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';
const CODE_LIFETIME_MS = 10 * 60_000;

export interface OAuthApplication {
  id: string;
  name: string;
  website: string | null;
  redirect_uris: string[];
  scopes: string;
  client_id: string;
  client_secret_hash: string;
}

/** Mastodon's Token entity. */
export interface TokenJson {
  access_token: string;
  token_type: 'Bearer';
  scope: string;
  created_at: number;
}

@Injectable()
export class OAuthService {
  constructor(private readonly db: DataSource) {}

  async registerApplication(input: {
    name: string;
    website?: string;
    redirectUris: string[];
    scopes: string[];
  }): Promise<{ application: OAuthApplication; clientSecret: string }> {
    const clientSecret = randomSecret();
    const [application]: OAuthApplication[] = await this.db.query(
      `INSERT INTO oauth_applications (name, website, redirect_uris, scopes, client_id, client_secret_hash)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [
        input.name,
        input.website ?? null,
        input.redirectUris,
        input.scopes.join(' '),
        randomSecret(),
        digest(clientSecret),
      ],
    );
    return { application: application!, clientSecret };
  }

  async findApplication(clientId: string): Promise<OAuthApplication | undefined> {
    const [application]: OAuthApplication[] = await this.db.query(
      `SELECT * FROM oauth_applications WHERE client_id = $1`,
      [clientId],
    );
    return application;
  }

  async findApplicationById(id: string): Promise<OAuthApplication | undefined> {
    const [application]: OAuthApplication[] = await this.db.query(
      `SELECT * FROM oauth_applications WHERE id = $1`,
      [id],
    );
    return application;
  }

  /** Client authentication; `secret` may be omitted only where PKCE stands in for it. */
  async authenticateClient(
    clientId: string | undefined,
    secret: string | undefined,
    secretOptional = false,
  ) {
    const application = clientId ? await this.findApplication(clientId) : undefined;
    if (!application)
      throw new OAuthError('invalid_client', 'Client authentication failed: unknown client');
    if (
      secret === undefined ? !secretOptional : digest(secret) !== application.client_secret_hash
    ) {
      throw new OAuthError('invalid_client', 'Client authentication failed: wrong client secret');
    }
    return application;
  }

  /**
   * Finds the member for the password grant (by e-mail, as Mastodon) or the sign-in page (by
   * username or e-mail); undefined when the pair is wrong.
   */
  async authenticateUser(
    login: string,
    password: string,
    options: { allowUsername?: boolean } = {},
  ): Promise<{ userId: string } | undefined> {
    // "@alice" is a handle too; anything else with an "@" is an e-mail address.
    const handle = login.replace(/^@/, '');
    const byUsername = options.allowUsername === true && !handle.includes('@');
    const [user]: { id: string; password_hash: string }[] = await this.db.query(
      byUsername
        ? `SELECT u.id, u.password_hash FROM users u JOIN accounts a ON a.id = u.account_id
            WHERE lower(a.username) = lower($1) AND a.domain IS NULL`
        : `SELECT id, password_hash FROM users WHERE lower(email) = lower($1)`,
      [byUsername ? handle : login],
    );
    // Hash even for an unknown login so response times do not reveal which members exist.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    return user && ok ? { userId: user.id } : undefined;
  }

  /** Who a signed-in browser session belongs to, for the consent screen. */
  async member(userId: string): Promise<{ username: string; displayName: string } | undefined> {
    const [member]: { username: string; displayName: string }[] = await this.db.query(
      `SELECT a.username, a.display_name AS "displayName"
         FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = $1`,
      [userId],
    );
    return member;
  }

  async issueCode(input: {
    application: OAuthApplication;
    userId: string;
    redirectUri: string;
    scopes: string[];
    codeChallenge?: string;
    codeChallengeMethod?: 'S256' | 'plain';
  }): Promise<string> {
    const code = randomSecret();
    await this.db.query(
      `INSERT INTO oauth_authorization_codes
         (code_hash, application_id, user_id, redirect_uri, scopes, code_challenge, code_challenge_method, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        digest(code),
        input.application.id,
        input.userId,
        input.redirectUri,
        input.scopes.join(' '),
        input.codeChallenge ?? null,
        input.codeChallenge ? (input.codeChallengeMethod ?? 'plain') : null,
        new Date(Date.now() + CODE_LIFETIME_MS),
      ],
    );
    return code;
  }

  /** authorization_code grant: single use, bound to client, redirect URI and PKCE verifier. */
  async exchangeCode(input: {
    clientId?: string;
    clientSecret?: string;
    code?: string;
    redirectUri?: string;
    codeVerifier?: string;
  }): Promise<TokenJson> {
    if (!input.code) throw new OAuthError('invalid_request', 'code is required');
    return this.db.transaction(async (manager) => {
      const [grant]: {
        application_id: string;
        user_id: string;
        redirect_uri: string;
        scopes: string;
        code_challenge: string | null;
        code_challenge_method: 'S256' | 'plain' | null;
        expires_at: Date;
        used_at: Date | null;
      }[] = await manager.query(
        `SELECT * FROM oauth_authorization_codes WHERE code_hash = $1 FOR UPDATE`,
        [digest(input.code!)],
      );
      const application = await this.authenticateClient(
        input.clientId,
        input.clientSecret,
        Boolean(grant?.code_challenge),
      );
      if (
        !grant ||
        grant.application_id !== application.id ||
        grant.used_at ||
        grant.expires_at < new Date()
      ) {
        throw new OAuthError(
          'invalid_grant',
          'The authorization code is invalid, expired or already used',
        );
      }
      if (input.redirectUri !== undefined && input.redirectUri !== grant.redirect_uri) {
        throw new OAuthError(
          'invalid_grant',
          'redirect_uri does not match the authorization request',
        );
      }
      if (grant.code_challenge) {
        if (
          !input.codeVerifier ||
          !verifyPkce(input.codeVerifier, grant.code_challenge, grant.code_challenge_method!)
        ) {
          throw new OAuthError('invalid_grant', 'code_verifier does not match the code challenge');
        }
      }
      await manager.query(
        `UPDATE oauth_authorization_codes SET used_at = now() WHERE code_hash = $1`,
        [digest(input.code!)],
      );
      return this.issueToken(manager, application.id, grant.user_id, grant.scopes.split(' '));
    });
  }

  async passwordGrant(input: {
    clientId?: string;
    clientSecret?: string;
    username?: string;
    password?: string;
    scopes: string[];
  }): Promise<TokenJson> {
    const application = await this.authenticateClient(input.clientId, input.clientSecret);
    this.assertScopesAllowed(input.scopes, application);
    const user = await this.authenticateUser(input.username ?? '', input.password ?? '');
    if (!user) throw new OAuthError('invalid_grant', 'Invalid e-mail address or password');
    return this.db.transaction((manager) =>
      this.issueToken(manager, application.id, user.userId, input.scopes),
    );
  }

  async clientCredentialsGrant(input: {
    clientId?: string;
    clientSecret?: string;
    scopes: string[];
  }) {
    const application = await this.authenticateClient(input.clientId, input.clientSecret);
    this.assertScopesAllowed(input.scopes, application);
    return this.db.transaction((manager) =>
      this.issueToken(manager, application.id, null, input.scopes),
    );
  }

  /** RFC 7009: revoking an unknown token is not an error; a token of another client is left alone. */
  async revoke(input: { clientId?: string; clientSecret?: string; token?: string }): Promise<void> {
    const application = await this.authenticateClient(input.clientId, input.clientSecret);
    if (!input.token) throw new OAuthError('invalid_request', 'token is required');
    await this.db.query(
      `UPDATE oauth_access_tokens SET revoked_at = now()
        WHERE token_hash = $1 AND application_id = $2 AND revoked_at IS NULL`,
      [digest(input.token), application.id],
    );
  }

  assertScopesAllowed(scopes: readonly string[], application: OAuthApplication): void {
    if (!withinScopes(scopes, application.scopes.split(' '))) {
      throw new OAuthError(
        'invalid_scope',
        'The requested scope exceeds the scopes the application registered',
      );
    }
  }

  async issueToken(
    manager: EntityManager,
    applicationId: string,
    userId: string | null,
    scopes: readonly string[],
  ): Promise<TokenJson> {
    const token = randomSecret();
    const [row]: { created_at: Date }[] = await manager.query(
      `INSERT INTO oauth_access_tokens (token_hash, application_id, user_id, scopes)
       VALUES ($1, $2, $3, $4) RETURNING created_at`,
      [digest(token), applicationId, userId, scopes.join(' ')],
    );
    return {
      access_token: token,
      token_type: 'Bearer',
      scope: scopes.join(' '),
      created_at: Math.floor(row!.created_at.getTime() / 1000),
    };
  }
}

/** A valid scrypt hash of a random password, verified against when the e-mail is unknown. */
const DUMMY_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$Kf0kZt3Vn2d1wV0yK7y1vJx0cZ8sV7b3p0m3e9f1a2Q=';
