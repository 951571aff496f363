import { freePort } from '@fediflow/testing';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** What the server answers to a message for a recipient. */
export type SmtpBehaviour =
  | 'accept'
  /** Takes the whole message but never answers the final dot (until `releaseStalled`). */
  | 'stall'
  | { stage: 'rcpt' | 'data'; code: number; times?: number };

export interface ReceivedMail {
  to: string;
  messageId: string;
  headers: ReadonlyMap<string, string>;
  /** Decoded MIME parts by content type, e.g. `text/plain`, `text/html`. */
  parts: ReadonlyMap<string, string>;
}

type Reply = (error?: Error | null) => void;

/** A real SMTP server on loopback that records accepted messages and misbehaves on request. */
export class SmtpTestServer {
  readonly accepted: ReceivedMail[] = [];
  /** Messages received in full but left unanswered ('stall'). */
  readonly stalled: ReceivedMail[] = [];
  private readonly behaviours = new Map<string, SmtpBehaviour>();
  private readonly stalledReplies: Reply[] = [];

  private readonly server: SMTPServer;

  private constructor(readonly url: string) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => this.onRcptTo(address.address, callback),
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () =>
          this.onMessage(session, Buffer.concat(chunks).toString('utf8'), callback),
        );
      },
    });
    this.server.on('error', () => undefined);
  }

  static async start(): Promise<SmtpTestServer> {
    const port = await freePort();
    const instance = new SmtpTestServer(`smtp://127.0.0.1:${port}`);
    await new Promise<void>((resolve, reject) => {
      instance.server.once('error', reject);
      instance.server.listen(port, '127.0.0.1', () => resolve());
    });
    return instance;
  }

  behave(recipient: string, behaviour: SmtpBehaviour): void {
    this.behaviours.set(recipient.toLowerCase(), behaviour);
  }

  /** Accepted messages for `recipient`. */
  to(recipient: string): ReceivedMail[] {
    return this.accepted.filter((mail) => mail.to === recipient.toLowerCase());
  }

  /** Answers every stalled message with 421, as a server does when its client vanished. */
  releaseStalled(): void {
    for (const reply of this.stalledReplies.splice(0)) reply(smtpError(421, 'client gone'));
  }

  async close(): Promise<void> {
    this.releaseStalled();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRcptTo(address: string, callback: Reply): void {
    const behaviour = this.consume(address, 'rcpt');
    callback(behaviour && typeof behaviour === 'object' ? smtpError(behaviour.code) : null);
  }

  private onMessage(session: SMTPServerSession, raw: string, callback: Reply): void {
    const to = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()).join(',');
    const mail = parseMail(to, raw);
    const behaviour = this.consume(to, 'data');
    if (behaviour === 'stall') {
      this.stalled.push(mail);
      this.stalledReplies.push(callback);
    } else if (behaviour && typeof behaviour === 'object') {
      callback(smtpError(behaviour.code));
    } else {
      this.accepted.push(mail);
      callback(null);
    }
  }

  /** The behaviour for this stage of a message to `recipient`, counting down `times`. */
  private consume(recipient: string, stage: 'rcpt' | 'data'): SmtpBehaviour | undefined {
    const key = recipient.toLowerCase();
    const behaviour = this.behaviours.get(key);
    if (behaviour === 'stall') return stage === 'data' ? behaviour : undefined;
    if (!behaviour || behaviour === 'accept' || behaviour.stage !== stage) return undefined;
    if (behaviour.times !== undefined) {
      if (behaviour.times <= 1) this.behaviours.delete(key);
      else this.behaviours.set(key, { ...behaviour, times: behaviour.times - 1 });
    }
    return behaviour;
  }
}

function smtpError(code: number, message = `rejected with ${code}`): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Just enough MIME for the digest: unfolded headers and the decoded parts of one multipart. */
export function parseMail(to: string, raw: string): ReceivedMail {
  const [head, body = ''] = splitHead(raw);
  const headers = parseHeaders(head);
  const parts = new Map<string, string>();
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
  const sections = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw];
  for (const section of sections) {
    const [partHead, partBody = ''] = splitHead(section.replace(/^\r?\n/, ''));
    const partHeaders = parseHeaders(partHead);
    const type = (partHeaders.get('content-type') ?? 'text/plain').split(';')[0]!.trim();
    parts.set(type, decode(partBody, partHeaders.get('content-transfer-encoding')));
  }
  return { to, messageId: headers.get('message-id') ?? '', headers, parts };
}

function splitHead(text: string): [string, string?] {
  const index = text.search(/\r?\n\r?\n/);
  if (index < 0) return [text];
  return [text.slice(0, index), text.slice(index).replace(/^\r?\n\r?\n/, '')];
}

function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function decode(body: string, encoding = '7bit'): string {
  switch (encoding.toLowerCase()) {
    case 'quoted-printable': {
      const text = body.replace(/=\r?\n/g, '');
      const bytes: number[] = [];
      for (let index = 0; index < text.length; index += 1) {
        const hex = text.slice(index + 1, index + 3);
        if (text[index] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
          bytes.push(Number.parseInt(hex, 16));
          index += 2;
        } else {
          bytes.push(...Buffer.from(text[index]!, 'utf8'));
        }
      }
      return Buffer.from(bytes).toString('utf8');
    }
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}
