import { Body, Controller, Get, Inject, Post, Query, Req, Res, HttpCode } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OAuthError } from '../common/api-error';
import { parseScopes } from '../common/auth/scopes';
import { INSTANCE_NAME } from '../common/instance-name';
import { PublicUrls } from '../common/public-urls';
import {
  renderConsentPage,
  renderMessagePage,
  renderSignInPage,
  type AuthorizeRequest,
  type PageContext,
  type SignedInMember,
} from './authorize-page';
import {
  OAuthService,
  OOB_REDIRECT_URI,
  type OAuthApplication,
  type TokenJson,
} from './oauth.service';
import { WebSessions } from './web-session';

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  // same-origin, not no-referrer: with no-referrer Chromium posts the forms with `Origin: null`.
  'referrer-policy': 'same-origin',
} as const;

const authorizeSchema = z.object({
  response_type: z.literal('code').optional(),
  client_id: z.string().min(1),
  redirect_uri: z.string().min(1),
  scope: z.string().optional(),
  state: z.string().max(1024).optional(),
  code_challenge: z
    .string()
    .regex(/^[A-Za-z0-9\-._~]{43,128}$/)
    .optional(),
  code_challenge_method: z.enum(['S256', 'plain']).optional(),
});

const tokenSchema = z.object({
  grant_type: z.string().optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  code: z.string().optional(),
  redirect_uri: z.string().optional(),
  code_verifier: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  scope: z.string().optional(),
});

function parseOAuth<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new OAuthError(
    'invalid_request',
    `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`,
  );
}

/** An authorize request that checked out, with its application and granted scopes. */
interface CheckedAuthorizeRequest {
  application: OAuthApplication;
  request: AuthorizeRequest;
  scopes: string[];
}

@Controller()
export class OAuthController {
  constructor(
    private readonly oauth: OAuthService,
    private readonly sessions: WebSessions,
    @Inject(PublicUrls) private readonly urls: PublicUrls,
  ) {}

  @Get('/.well-known/oauth-authorization-server')
  metadata() {
    const origin = this.urls.origin;
    return {
      issuer: `${origin}/`,
      authorization_endpoint: `${origin}/oauth/authorize`,
      token_endpoint: `${origin}/oauth/token`,
      revocation_endpoint: `${origin}/oauth/revoke`,
      app_registration_endpoint: `${origin}/api/v1/apps`,
      scopes_supported: ['read', 'write', 'follow', 'push', 'profile'],
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment'],
      grant_types_supported: ['authorization_code', 'password', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      code_challenge_methods_supported: ['S256'],
      service_documentation: 'https://docs.joinmastodon.org/',
    };
  }

  /**
   * The authorization page: a sign-in form when the browser has no session, else the consent
   * screen for the signed-in member (Mastodon's flow, server-rendered, no script needed).
   */
  @Get('/oauth/authorize')
  async showAuthorize(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const checked = await this.checkAuthorizeRequest(query, reply);
    if (!checked) return;
    // Mastodon's `force_login=true`: multi-account clients ask to sign in afresh.
    const forceLogin = (query as Record<string, unknown> | undefined)?.['force_login'] === 'true';
    const member = forceLogin ? undefined : await this.signedInMember(request, reply);
    if (member === null) return;
    const context = this.pageContext(request, reply);
    void reply
      .headers(PAGE_HEADERS)
      .send(
        member
          ? renderConsentPage({ context, ...checked, member })
          : renderSignInPage({ context, ...checked }),
      );
  }

  @Post('/oauth/sign_in')
  @HttpCode(200)
  async signIn(
    @Body() body: Record<string, unknown> | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const checked = await this.checkFormPost(body, request, reply);
    if (!checked) return;
    const login = typeof body?.['login'] === 'string' ? body['login'].trim() : '';
    const password = typeof body?.['password'] === 'string' ? body['password'] : '';
    const user = await this.oauth.authenticateUser(login, password, { allowUsername: true });
    if (!user) {
      void reply
        .status(401)
        .headers(PAGE_HEADERS)
        .send(
          renderSignInPage({
            context: this.pageContext(request, reply),
            ...checked,
            login,
            error: 'Invalid username, e-mail address or password.',
          }),
        );
      return;
    }
    await this.changeSessionThenAuthorize(reply, checked.request, () =>
      this.sessions.start(request, reply, user.userId, body?.['remember'] === '1'),
    );
  }

  /** "Not you?": ends the browser session and shows the sign-in form for the same request. */
  @Post('/oauth/sign_out')
  @HttpCode(200)
  async signOut(
    @Body() body: Record<string, unknown> | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const checked = await this.checkFormPost(body, request, reply);
    if (!checked) return;
    await this.changeSessionThenAuthorize(reply, checked.request, () =>
      this.sessions.end(request, reply),
    );
  }

  @Post('/oauth/authorize')
  @HttpCode(200)
  async submitAuthorize(
    @Body() body: Record<string, unknown> | undefined,
    @Req() httpRequest: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const checked = await this.checkFormPost(body, httpRequest, reply);
    if (!checked) return;
    const { application, request, scopes } = checked;
    const member = await this.signedInMember(httpRequest, reply);
    if (member === null) return;
    // The session ended (or never was) since the page was shown: sign in again.
    if (!member) return this.backToAuthorize(reply, request);
    if (body?.['decision'] !== 'approve') {
      return this.redirectBack(reply, request, { error: 'access_denied' });
    }
    const code = await this.oauth.issueCode({
      application,
      userId: member.userId,
      redirectUri: request.redirect_uri,
      scopes,
      codeChallenge: request.code_challenge,
      codeChallengeMethod: request.code_challenge_method as 'S256' | 'plain' | undefined,
    });
    if (request.redirect_uri === OOB_REDIRECT_URI) {
      void reply
        .headers(PAGE_HEADERS)
        .send(
          renderMessagePage(
            this.pageContext(httpRequest, reply),
            'Authorization code',
            `${application.name} is authorized.`,
            code,
          ),
        );
      return;
    }
    this.redirectBack(reply, request, { code });
  }

  @Post('/oauth/token')
  @HttpCode(200)
  async token(@Body() body: unknown, @Req() request: FastifyRequest): Promise<TokenJson> {
    const input = parseOAuth(tokenSchema, body);
    const basic = this.basicCredentials(request);
    const clientId = input.client_id ?? basic?.id;
    const clientSecret = input.client_secret ?? basic?.secret;
    switch (input.grant_type) {
      case 'authorization_code':
        return this.oauth.exchangeCode({
          clientId,
          clientSecret,
          code: input.code,
          redirectUri: input.redirect_uri,
          codeVerifier: input.code_verifier,
        });
      case 'password':
        return this.oauth.passwordGrant({
          clientId,
          clientSecret,
          username: input.username,
          password: input.password,
          scopes: this.scopesOf(input.scope),
        });
      case 'client_credentials':
        return this.oauth.clientCredentialsGrant({
          clientId,
          clientSecret,
          scopes: this.scopesOf(input.scope),
        });
      default:
        throw new OAuthError(
          'unsupported_grant_type',
          `grant_type must be authorization_code, password or client_credentials`,
        );
    }
  }

  @Post('/oauth/revoke')
  @HttpCode(200)
  async revoke(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<Record<string, never>> {
    const input = parseOAuth(
      z.object({
        client_id: z.string().optional(),
        client_secret: z.string().optional(),
        token: z.string().optional(),
      }),
      body,
    );
    const basic = this.basicCredentials(request);
    await this.oauth.revoke({
      clientId: input.client_id ?? basic?.id,
      clientSecret: input.client_secret ?? basic?.secret,
      token: input.token,
    });
    return {};
  }

  private scopesOf(scope: string | undefined): string[] {
    const scopes = parseScopes(scope);
    if (!scopes) throw new OAuthError('invalid_scope', `Unknown scope in "${scope}"`);
    return scopes;
  }

  private basicCredentials(request: FastifyRequest): { id: string; secret: string } | undefined {
    const encoded = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!encoded) return undefined;
    const [id, secret] = Buffer.from(encoded, 'base64').toString('utf8').split(':');
    return id && secret !== undefined
      ? { id: decodeURIComponent(id), secret: decodeURIComponent(secret) }
      : undefined;
  }

  /**
   * Validates an authorization request. Problems with the client or redirect URI are shown on
   * a page (never redirected to an unverified URI); the rest go back to the client.
   */
  private async checkAuthorizeRequest(
    input: unknown,
    reply: FastifyReply,
  ): Promise<CheckedAuthorizeRequest | undefined> {
    const parsed = authorizeSchema.safeParse(input ?? {});
    const raw = (input ?? {}) as Record<string, unknown>;
    const application =
      typeof raw['client_id'] === 'string'
        ? await this.oauth.findApplication(raw['client_id'])
        : undefined;
    if (!application) {
      void reply
        .status(400)
        .headers(PAGE_HEADERS)
        .send(
          renderMessagePage(
            this.site,
            'Unknown application',
            'The client_id is not registered here.',
          ),
        );
      return undefined;
    }
    const redirectUri = typeof raw['redirect_uri'] === 'string' ? raw['redirect_uri'] : '';
    if (!application.redirect_uris.includes(redirectUri)) {
      void reply
        .status(400)
        .headers(PAGE_HEADERS)
        .send(
          renderMessagePage(
            this.site,
            'Invalid redirect URI',
            'The redirect_uri is not one the application registered.',
          ),
        );
      return undefined;
    }
    const state = typeof raw['state'] === 'string' ? raw['state'] : undefined;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.redirectBack(
        reply,
        { client_id: application.client_id, redirect_uri: redirectUri, scope: '', state },
        {
          error: 'invalid_request',
          error_description: `${issue?.path.join('.')}: ${issue?.message}`,
        },
      );
      return undefined;
    }
    const request: AuthorizeRequest = {
      client_id: parsed.data.client_id,
      redirect_uri: parsed.data.redirect_uri,
      scope: parsed.data.scope ?? 'read',
      state: parsed.data.state,
      code_challenge: parsed.data.code_challenge,
      code_challenge_method: parsed.data.code_challenge
        ? (parsed.data.code_challenge_method ?? 'plain')
        : undefined,
    };
    const scopes = parseScopes(request.scope);
    if (!scopes) {
      this.redirectBack(reply, request, {
        error: 'invalid_scope',
        error_description: 'unknown scope',
      });
      return undefined;
    }
    try {
      this.oauth.assertScopesAllowed(scopes, application);
    } catch {
      this.redirectBack(reply, request, {
        error: 'invalid_scope',
        error_description: 'scope exceeds the registration',
      });
      return undefined;
    }
    return { application, request, scopes };
  }

  private redirectBack(
    reply: FastifyReply,
    request: AuthorizeRequest,
    params: Record<string, string>,
  ): void {
    if (request.redirect_uri === OOB_REDIRECT_URI) {
      void reply
        .status(400)
        .headers(PAGE_HEADERS)
        .send(renderMessagePage(this.site, 'Authorization failed', params['error'] ?? 'error'));
      return;
    }
    const target = new URL(request.redirect_uri);
    for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
    if (request.state !== undefined) target.searchParams.set('state', request.state);
    void reply.header('cache-control', 'no-store').redirect(target.toString(), 302);
  }

  private get site(): Pick<PageContext, 'instanceName' | 'instanceHost'> {
    return { instanceName: INSTANCE_NAME, instanceHost: this.urls.host };
  }

  private pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
    return { ...this.site, csrfToken: this.sessions.csrfToken(request, reply) };
  }

  /** The signed-in member; undefined when signed out; null when a 503 page was sent. */
  private async signedInMember(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<(SignedInMember & { userId: string }) | undefined | null> {
    let userId: string | undefined;
    try {
      userId = await this.sessions.userOf(request);
    } catch {
      this.sessionsUnavailable(reply);
      return null;
    }
    const member = userId ? await this.oauth.member(userId) : undefined;
    return member && userId ? { ...member, userId } : undefined;
  }

  private checkCsrf(
    request: FastifyRequest,
    reply: FastifyReply,
    body: Record<string, unknown> | undefined,
  ): boolean {
    if (this.sessions.csrfValid(request, body?.['authenticity_token'])) return true;
    void reply
      .status(403)
      .headers(PAGE_HEADERS)
      .send(
        renderMessagePage(
          this.pageContext(request, reply),
          'Please try again',
          'This form expired or was sent from another site. Go back, reload the page and submit it again.',
        ),
      );
    return false;
  }

  /**
   * A form posted from the authorize page: its authorize request and CSRF token, both checked.
   * Undefined once the error page has been sent.
   */
  private async checkFormPost(
    body: Record<string, unknown> | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<CheckedAuthorizeRequest | undefined> {
    const checked = await this.checkAuthorizeRequest(body, reply);
    if (!checked || !this.checkCsrf(request, reply, body)) return undefined;
    return checked;
  }

  /** Signs in or out (`change`), then back to the authorize page; 503 if sessions are down. */
  private async changeSessionThenAuthorize(
    reply: FastifyReply,
    request: AuthorizeRequest,
    change: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await change();
    } catch {
      return this.sessionsUnavailable(reply);
    }
    this.backToAuthorize(reply, request);
  }

  private sessionsUnavailable(reply: FastifyReply): void {
    void reply
      .status(503)
      .headers({ ...PAGE_HEADERS, 'retry-after': '30' })
      .send(
        renderMessagePage(
          this.site,
          'Sign-in is unavailable',
          'Signing in is not possible right now. Please try again in a minute.',
        ),
      );
  }

  /** After a form: the authorization page again, by GET (303), with the same request. */
  private backToAuthorize(reply: FastifyReply, request: AuthorizeRequest): void {
    const params = new URLSearchParams({ response_type: 'code' });
    for (const [key, value] of Object.entries(request)) {
      if (value !== undefined) params.set(key, String(value));
    }
    void reply.header('cache-control', 'no-store').redirect(`/oauth/authorize?${params}`, 303);
  }
}
