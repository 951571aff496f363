import { Body, Controller, Get, Post, Query, Res, HttpCode } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { affectedCount } from '@fediflow/database';
import { DataSource } from 'typeorm';
import { renderMessagePage } from '../oauth/authorize-page';
import { INSTANCE_NAME } from '../common/instance-name';
import { PublicUrls } from '../common/public-urls';
import { escapeHtml } from '../common/content/status-text';

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
} as const;

/**
 * The digest e-mail's unsubscribe link. GET only shows a confirmation (mail scanners follow
 * links); POST unsubscribes — also RFC 8058 one-click from the List-Unsubscribe-Post header.
 */
@Controller('/email/unsubscribe')
export class EmailUnsubscribeController {
  constructor(
    private readonly db: DataSource,
    private readonly urls: PublicUrls,
  ) {}

  @Get()
  confirm(@Query('token') token: string | undefined, @Res() reply: FastifyReply): void {
    const safe = escapeHtml(String(token ?? ''));
    void reply.headers(PAGE_HEADERS)
      .send(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Unsubscribe · FediFlow</title></head><body style="font: 16px/1.5 system-ui, sans-serif; max-width: 30rem; margin: 3rem auto">
<h1>Stop the notification digest?</h1><form method="post" action="/email/unsubscribe?token=${safe}">
<input type="hidden" name="token" value="${safe}"><button type="submit">Unsubscribe</button></form></body></html>`);
  }

  @Post()
  @HttpCode(200)
  async unsubscribe(
    @Query('token') queryToken: string | undefined,
    @Body() body: Record<string, unknown> | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const token = String(body?.['token'] ?? queryToken ?? '');
    const changed = affectedCount(
      await this.db.query(
        `UPDATE users SET digest_enabled = false WHERE unsubscribe_token = $1 AND $1 <> ''`,
        [token],
      ),
    );
    const [status, title, message] =
      changed > 0
        ? [200, 'Unsubscribed', 'You will no longer receive notification digests.']
        : [404, 'Link not recognised', 'This unsubscribe link is invalid or has expired.'];
    void reply
      .status(status)
      .headers(PAGE_HEADERS)
      .send(
        renderMessagePage(
          { instanceName: INSTANCE_NAME, instanceHost: this.urls.host },
          title,
          message,
        ),
      );
  }
}
