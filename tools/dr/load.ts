/**
 * The drills' steady write load: members post, favourite each other's posts and follow each
 * other through the API, and the remote peer sends notes to the shared inbox. Every write the
 * service acknowledged (2xx) goes into the ledger with its time; every failure is counted with
 * its time, which is how the drills measure RTO (first failed → first successful write).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { registerApp, registerMember, type Member } from '@fediflow/testing';
import type { RemotePeer } from './remote-peer.ts';

export type WriteKind = 'status' | 'favourite' | 'follow' | 'inbox-note';

export interface AckedWrite {
  kind: WriteKind;
  /** status: its id; favourite: `<accountId>:<statusId>`; follow: `<from>:<to>`; inbox-note: URI. */
  key: string;
  /** Date.now() when the request was sent and when its 2xx arrived. */
  sentAt: number;
  ackedAt: number;
}

export interface FailedWrite {
  kind: WriteKind;
  at: number;
  /** HTTP status, or the client-side error (connection refused, timeout). */
  outcome: string;
  /** The `x-request-id` the write was sent with (the services log it as `req_id`). */
  requestId?: string;
}

export class Ledger {
  readonly acked: AckedWrite[] = [];
  readonly failed: FailedWrite[] = [];

  ackedBefore(time: number): AckedWrite[] {
    return this.acked.filter((write) => write.ackedAt < time);
  }

  /** Ack latencies (ms) of one kind between two times, for the synchronous-replication cost. */
  latencies(kind: WriteKind, from = 0, to = Infinity): number[] {
    return this.acked
      .filter((w) => w.kind === kind && w.sentAt >= from && w.ackedAt < to)
      .map((w) => w.ackedAt - w.sentAt);
  }
}

export interface LoadOptions {
  apiBase: string;
  federationBase: string;
  members: number;
  /** Concurrent API writers; each pauses `pauseMs` between writes. */
  writers: number;
  pauseMs: number;
  /** Inbox notes per second from the remote peer (0: none). */
  inboxRate: number;
  peer?: RemotePeer;
}

/** Registers `count` members (drill_1 … drill_n) through the API. */
export async function registerDrillMembers(apiBase: string, count: number): Promise<Member[]> {
  const app = await registerApp(apiBase);
  const members: Member[] = [];
  for (let n = 1; n <= count; n++) members.push(await registerMember(apiBase, app, `drill_${n}`));
  return members;
}

const pick = <T>(items: readonly T[]): T | undefined =>
  items[Math.floor(Math.random() * items.length)];

/** The running load; `stop()` waits for in-flight writes to settle. */
export class WriteLoad {
  readonly ledger = new Ledger();
  private running = true;
  private readonly loops: Promise<void>[] = [];
  private readonly statuses: { id: string; authorId: string }[] = [];
  private readonly follows = new Set<string>();
  private requests = 0;

  constructor(
    private readonly options: LoadOptions,
    private readonly members: Member[],
  ) {
    for (let n = 0; n < options.writers; n++) this.loops.push(this.writer());
    if (options.inboxRate > 0 && options.peer) this.loops.push(this.inbox(options.peer));
  }

  /**
   * Load for `seconds`, and on until at least `minWrites` API writes are acknowledged (a busy
   * machine may need longer), at most `maxMs` in all: a fault must meet acknowledged data.
   */
  async runFor(seconds: number, minWrites = 10, maxMs = 180_000): Promise<void> {
    const started = Date.now();
    const before = this.apiAcks();
    await sleep(seconds * 1_000);
    while (this.apiAcks() - before < minWrites && Date.now() - started < maxMs) await sleep(200);
  }

  async stop(): Promise<Ledger> {
    this.running = false;
    await Promise.all(this.loops);
    return this.ledger;
  }

  private apiAcks(): number {
    return this.ledger.acked.filter((w) => w.kind !== 'inbox-note').length;
  }

  private async writer(): Promise<void> {
    while (this.running) {
      await this.oneWrite();
      await sleep(this.options.pauseMs);
    }
  }

  private async oneWrite(): Promise<void> {
    const member = pick(this.members)!;
    const roll = Math.random();
    const target = this.statuses.length > 0 ? pick(this.statuses) : undefined;
    if (roll < 0.25 && target && target.authorId !== member.accountId) {
      const key = `${member.accountId}:${target.id}`;
      await this.attempt('favourite', key, (headers) =>
        member.client.post(`/api/v1/statuses/${target.id}/favourite`, {}, headers),
      );
      return;
    }
    const other = pick(this.members.filter((m) => m.accountId !== member.accountId));
    const pair = other && `${member.accountId}:${other.accountId}`;
    if (roll < 0.35 && other && pair && !this.follows.has(pair)) {
      this.follows.add(pair);
      await this.attempt('follow', pair, (headers) =>
        member.client.post(`/api/v1/accounts/${other.accountId}/follow`, {}, headers),
      );
      return;
    }
    const sentAt = Date.now();
    await this.attempt(
      'status',
      undefined,
      (headers) =>
        member.client.post<{ id: string }>(
          '/api/v1/statuses',
          { status: `Drill post at ${new Date(sentAt).toISOString()}`, visibility: 'public' },
          headers,
        ),
      (body) => {
        const id = (body as { id?: string }).id;
        if (id) this.statuses.push({ id, authorId: member.accountId });
        return id;
      },
    );
  }

  private async inbox(peer: RemotePeer): Promise<void> {
    const interval = 1_000 / this.options.inboxRate;
    while (this.running) {
      const sentAt = Date.now();
      try {
        const { status, uri } = await peer.sendNote(`${this.options.federationBase}/inbox`);
        if (status >= 200 && status < 300)
          this.ledger.acked.push({ kind: 'inbox-note', key: uri, sentAt, ackedAt: Date.now() });
        else
          this.ledger.failed.push({
            kind: 'inbox-note',
            at: Date.now(),
            outcome: `HTTP ${status}`,
          });
      } catch (error) {
        this.ledger.failed.push({ kind: 'inbox-note', at: Date.now(), outcome: errorName(error) });
      }
      await sleep(Math.max(0, interval - (Date.now() - sentAt)));
    }
  }

  private async attempt(
    kind: WriteKind,
    key: string | undefined,
    send: (headers: Record<string, string>) => Promise<{ status: number; body: unknown }>,
    keyOf: (body: unknown) => string | undefined = () => key,
  ): Promise<void> {
    const sentAt = Date.now();
    // Our own request id, so a 5xx can be matched with the service's log line for it.
    const requestId = `drill-${kind}-${++this.requests}`;
    try {
      const response = await send({ 'x-request-id': requestId });
      const ackedKey = response.status >= 200 && response.status < 300 && keyOf(response.body);
      if (ackedKey) {
        this.ledger.acked.push({ kind, key: ackedKey, sentAt, ackedAt: Date.now() });
        return;
      }
      const outcome = `HTTP ${response.status}`;
      this.ledger.failed.push({ kind, at: Date.now(), outcome, requestId });
    } catch (error) {
      this.ledger.failed.push({ kind, at: Date.now(), outcome: errorName(error), requestId });
    }
    // A failure during an outage comes back in microseconds: do not spin.
    await sleep(100);
  }
}

function errorName(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error.cause as { code?: string } | undefined)?.code;
    return cause ?? error.name;
  }
  return String(error);
}
