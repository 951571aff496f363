import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type WorkersConfig } from '@fediflow/config';
import { createTransport, type Transporter } from 'nodemailer';
import type { RenderedDigest } from './digest.render';

export interface DigestMail extends RenderedDigest {
  to: string;
  /** `<…@host>`; the same for every attempt at one delivery, so mail systems can de-duplicate. */
  messageId: string;
  unsubscribeUrl: string;
}

/** How a failed send should be handled. */
export type SendFailure =
  /** The server refused this message or recipient for good (5xx to RCPT TO or DATA). */
  | { kind: 'permanent'; reason: string }
  /** This message may succeed later (4xx to RCPT TO or DATA). */
  | { kind: 'temporary'; reason: string }
  /** The server cannot be used at all right now (connection, auth, MAIL FROM): stop the run. */
  | { kind: 'unavailable'; reason: string };

/**
 * Sends digest emails over SMTP (`SMTP_URL`) through a small connection pool. Without `SMTP_URL`
 * the mailer is disabled and the digest job skips its runs.
 */
@Injectable()
export class DigestMailer implements OnModuleDestroy {
  /** The instance's host name: used in the sender address and in Message-IDs. */
  readonly host: string;
  private readonly from: string;
  private readonly transport: Transporter | undefined;

  constructor(@Inject(APP_CONFIG) config: WorkersConfig) {
    this.host = new URL(config.PUBLIC_ORIGIN).hostname;
    this.from = `"${this.host}" <notifications@${this.host}>`;
    this.transport =
      config.SMTP_URL === undefined
        ? undefined
        : createTransport({
            url: config.SMTP_URL,
            pool: true,
            maxConnections: 2,
            // Bounded so a stalled server cannot hold a delivery (and its row lock) for long.
            connectionTimeout: 10_000,
            greetingTimeout: 10_000,
            socketTimeout: 60_000,
            dnsTimeout: 10_000,
          });
  }

  get enabled(): boolean {
    return this.transport !== undefined;
  }

  async send(mail: DigestMail): Promise<void> {
    if (!this.transport) throw new Error('SMTP_URL is not set: the mailer is disabled');
    await this.transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      headers: {
        // RFC 2369 and RFC 8058 one-click unsubscribe; RFC 3834 marks it as automatic mail.
        'List-Unsubscribe': `<${mail.unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'Auto-Submitted': 'auto-generated',
      },
    });
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}

/** Classifies a nodemailer error by what the SMTP server answered and to which command. */
export function classifySendFailure(error: unknown): SendFailure {
  const reason = error instanceof Error ? error.message : String(error);
  const { responseCode, command } = (error ?? {}) as { responseCode?: unknown; command?: unknown };
  const perMessage = command === 'RCPT TO' || command === 'DATA';
  if (typeof responseCode !== 'number' || !perMessage) return { kind: 'unavailable', reason };
  return responseCode >= 500 ? { kind: 'permanent', reason } : { kind: 'temporary', reason };
}
