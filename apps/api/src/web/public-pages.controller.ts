import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import { APP_CONFIG, type ApiConfig } from '@fediflow/config';
import type { FastifyReply } from 'fastify';
import { AccountView } from '../accounts/account.view';
import { INSTANCE_NAME } from '../common/instance-name';
import { PublicUrls } from '../common/public-urls';
import { isBigintId } from '../common/validation';
import { StatusView } from '../statuses/status.view';
import { publicTimelineSql } from '../timelines/timeline.queries';
import { frontPage, notFoundPage, profilePage, statusPage, type SiteContext } from './public-pages';

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // Public pages may be cached briefly by browsers and the CDN; they change with every post.
  'cache-control': 'public, max-age=60',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
} as const;

const ACTIVITY_JSON = /application\/(activity\+json|ld\+json)/;

/**
 * The server-rendered pages a visitor's browser sees (no JavaScript): the front page, profiles
 * at `/@user` and posts at `/@user/:id`. ActivityPub clients asking for JSON at those addresses
 * are sent to the actor or object URL, as Mastodon does.
 */
@Controller()
export class PublicPagesController {
  private readonly site: SiteContext;

  constructor(
    @Inject(APP_CONFIG) config: ApiConfig,
    private readonly urls: PublicUrls,
    private readonly accounts: AccountView,
    private readonly statuses: StatusView,
  ) {
    this.site = {
      instanceName: INSTANCE_NAME,
      host: urls.host,
      origin: urls.origin,
      description: 'A FediFlow community on the fediverse.',
      registrationsOpen: config.REGISTRATIONS_OPEN,
    };
  }

  @Get('/')
  async front(@Res() reply: FastifyReply): Promise<void> {
    const recent = await this.statuses.page(publicTimelineSql('TRUE', 20, false, 'local'), [null]);
    this.send(reply, 200, frontPage(this.site, recent));
  }

  @Get('/@:username')
  async profile(
    @Param('username') username: string,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const account = await this.localAccount(username);
    if (!account) return this.send(reply, 404, notFoundPage(this.site));
    if (ACTIVITY_JSON.test(accept ?? '')) return this.redirect(reply, this.urls.actor(username));
    const posts = await this.statuses.page(
      `SELECT s.id FROM statuses s
        WHERE s.account_id = $2 AND s.visibility = 'public' AND s.reblog_of_id IS NULL
        ORDER BY s.id DESC LIMIT 20`,
      [null, account.id],
    );
    this.send(reply, 200, profilePage(this.site, this.accounts.toJson(account), posts));
  }

  @Get('/@:username/:id')
  async status(
    @Param('username') username: string,
    @Param('id') id: string,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const account = await this.localAccount(username);
    // Anonymous visitors see what the public API shows them: public and unlisted posts.
    const status = account && isBigintId(id) ? await this.statuses.one(id, null) : undefined;
    if (!account || !status || status.account.id !== String(account.id) || status.reblog) {
      return this.send(reply, 404, notFoundPage(this.site));
    }
    if (ACTIVITY_JSON.test(accept ?? '')) return this.redirect(reply, status.uri);
    this.send(reply, 200, statusPage(this.site, status));
  }

  private async localAccount(username: string) {
    const account = await this.accounts.findByAcct(username);
    return account && account.domain === null ? account : undefined;
  }

  private send(reply: FastifyReply, status: number, html: string): void {
    void reply.status(status).headers(PAGE_HEADERS).header('vary', 'accept').send(html);
  }

  private redirect(reply: FastifyReply, location: string): void {
    void reply.status(302).header('vary', 'accept').header('location', location).send();
  }
}
