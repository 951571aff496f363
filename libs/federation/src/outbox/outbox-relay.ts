import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type CommonConfig } from '@fediflow/config';
import { affectedCount, DatabaseConnector } from '@fediflow/database';
import { isRedisUnavailable } from '@fediflow/redis';
import type { Context } from '@fedify/fedify';
import { Activity, type Recipient } from '@fedify/fedify/vocab';
import { DataSource } from 'typeorm';
import { FederationRuntime } from '../federation-core.module';
import { EarliestTimer } from './earliest-timer';
import { hasMediaTerms, withRecordedMediaTerms } from './mastodon-media-terms';
import { remoteRecipient, type Queryable, type RemoteInboxes } from './recipients';
import type { RedisEpoch } from '@fediflow/redis';

/** The relay reads its redelivery window from the api's config; elsewhere rows go at once. */
export type OutboxRelayConfig = CommonConfig & {
  readonly OUTBOX_REDELIVERY_WINDOW_MS?: number;
};

/** An activity to send and to whom, as the outbox builds it (see `FederationOutbox`). */
export interface OutboxDelivery {
  readonly username: string;
  readonly recipients: Recipient[];
  /** Follows go to the actor's own inbox; posts to shared inboxes (one request per server). */
  readonly sharedInbox: boolean;
  build(ctx: Context<void>): Activity;
}

/**
 * A delivery from `username` to one remote actor (a Follow and its answers go to its own inbox,
 * `sharedInbox` false; reactions to its server's shared inbox).
 */
export function deliveryTo(
  to: RemoteInboxes & { username: string },
  sharedInbox: boolean,
  build: (ctx: Context<void>) => Activity,
): OutboxDelivery {
  return { username: to.username, recipients: [remoteRecipient(to)], sharedInbox, build };
}

interface StoredRecipient {
  id: string | null;
  inbox: string | null;
  sharedInbox: string | null;
}

interface OutboxRow {
  id: string;
  username: string;
  activity: unknown;
  recipients: StoredRecipient[];
  shared_inbox: boolean;
  attempts: number;
}

/** Passes between sweeps when nothing prompted one (a relay that crashed, another pod's rows). */
const SWEEP_INTERVAL_MS = 1_000;
/** A prompt pass shortly after a row was written, once its transaction has usually committed. */
const PROMPT_DELAY_MS = 25;
const BATCH_SIZE = 50;
/** A row that cannot be relayed (not a Redis outage) this often is dropped, loudly. */
const MAX_ATTEMPTS = 10;
/** One relay at a time across all API pods, so a member's activities keep their order. */
const RELAY_LOCK = 0x0f_ed_0b_0c;

const url = (value: string | null) => (value ? new URL(value) : null);

/**
 * The transactional outbox of federation. `record` writes the activity (expanded JSON-LD) and
 * its recipients in the caller's transaction, so it commits or rolls back with the member's
 * action; the relay then hands committed rows to Fedify's queue (`sendActivity` only enqueues
 * on the API) and marks them relayed. A crash between commit and enqueue loses nothing: the row
 * waits for the next pass, by this or any other API process.
 *
 * Fedify's queue lives in Redis, which may be lost (restarted empty) with deliveries still in it.
 * So a relayed row is kept for the redelivery window, tagged with the Redis epoch it went into
 * (`RedisEpoch`); a pass that finds another epoch relays the rows of the window again, and rows
 * past the window are deleted. Delivery is at least once — a crash after an enqueue and before
 * its row's mark commits, or a Redis loss after the workers delivered, sends it again — and
 * receivers deduplicate by the activity id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly timer = new EarliestTimer(() => void this.run());
  private readonly epoch: RedisEpoch;
  private readonly windowMs: number;
  private pass: Promise<unknown> | undefined;
  /** The epoch of this relay's last committed pass: the window is re-checked only on a change. */
  private epochSeen: string | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly runtime: FederationRuntime,
    private readonly db: DataSource,
    private readonly connector: DatabaseConnector,
    @Inject(APP_CONFIG) private readonly config: OutboxRelayConfig,
  ) {
    this.epoch = runtime.epoch;
    this.windowMs = config.OUTBOX_REDELIVERY_WINDOW_MS ?? 0;
  }

  onApplicationBootstrap(): void {
    if (this.config.FEDERATION_ENABLED) this.schedule(SWEEP_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.timer.cancel();
    await this.pass;
  }

  /** Writes a delivery into the outbox, in the transaction `db` belongs to. */
  async record(db: Queryable, delivery: OutboxDelivery): Promise<void> {
    const ctx = this.context();
    const activity = await delivery
      .build(ctx)
      .toJsonLd({ format: 'expand', contextLoader: ctx.contextLoader });
    const recipients: StoredRecipient[] = delivery.recipients.map((recipient) => ({
      id: recipient.id?.href ?? null,
      inbox: recipient.inboxId?.href ?? null,
      sharedInbox: recipient.endpoints?.sharedInbox?.href ?? null,
    }));
    await db.query(
      `INSERT INTO federation_outbox (username, activity, recipients, shared_inbox)
       VALUES ($1, $2, $3, $4)`,
      [
        delivery.username,
        JSON.stringify(activity),
        JSON.stringify(recipients),
        delivery.sharedInbox,
      ],
    );
    this.schedule(PROMPT_DELAY_MS);
  }

  /** One pass over the committed rows, oldest first; resolves with how many were enqueued. */
  async relayPending(): Promise<number> {
    let epochOfPass: string | undefined;
    const relayed = await this.db.transaction(async (manager) => {
      const [lock] = (await manager.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [
        RELAY_LOCK,
      ])) as { locked: boolean }[];
      if (!lock?.locked) return 0;
      let epoch: string;
      try {
        epoch = await this.epoch.current();
      } catch (error) {
        // Redis down: nothing can be relayed; the rows wait for a later pass.
        if (isRedisUnavailable(error)) return 0;
        throw error;
      }
      epochOfPass = epoch;
      await this.pruneWindow(manager);
      // Scanning the window for another epoch costs a pass over every kept row: only when this
      // relay sees a new epoch (Redis reset since its last pass, or its first pass).
      if (epoch !== this.epochSeen) await this.redeliverLost(manager, epoch);
      const rows = (await manager.query(
        `SELECT id::text AS id, username, activity, recipients, shared_inbox, attempts
           FROM federation_outbox WHERE relayed_at IS NULL ORDER BY id LIMIT $1`,
        [BATCH_SIZE],
      )) as OutboxRow[];
      let relayed = 0;
      for (const row of rows) {
        try {
          await this.enqueue(row);
        } catch (error) {
          // Redis down: keep the row (and the order) for a later pass.
          if (isRedisUnavailable(error)) break;
          await this.noteFailure(manager, row, error);
          continue;
        }
        await (this.windowMs > 0
          ? manager.query(
              `UPDATE federation_outbox SET relayed_at = now(), relayed_epoch = $2 WHERE id = $1`,
              [row.id, epoch],
            )
          : manager.query(`DELETE FROM federation_outbox WHERE id = $1`, [row.id]));
        relayed++;
      }
      if (rows.length === BATCH_SIZE && relayed > 0) this.again = true;
      return relayed;
    });
    if (epochOfPass !== undefined) this.epochSeen = epochOfPass;
    return relayed;
  }

  /** Rows relayed longer ago than the window are done (an index range over the oldest only). */
  private async pruneWindow(manager: Queryable): Promise<void> {
    if (this.windowMs === 0) return;
    await manager.query(
      `DELETE FROM federation_outbox
        WHERE relayed_at IS NOT NULL AND relayed_at <= now() - $1 * interval '1 millisecond'`,
      [this.windowMs],
    );
  }

  /**
   * Rows relayed within the window into a Redis other than the current one went with it: they
   * are pending again (and go first: they are the oldest).
   */
  private async redeliverLost(manager: Queryable, epoch: string): Promise<void> {
    if (this.windowMs === 0) return;
    const again = affectedCount(
      await manager.query(
        `UPDATE federation_outbox SET relayed_at = NULL, relayed_epoch = NULL
          WHERE relayed_at IS NOT NULL AND relayed_epoch IS DISTINCT FROM $1`,
        [epoch],
      ),
    );
    if (again > 0) {
      this.logger.warn(
        `federation outbox: Redis was reset (new epoch); relaying ${again} recent deliveries again`,
      );
    }
  }

  private async enqueue(row: OutboxRow): Promise<void> {
    const ctx = this.context();
    const loaders = { contextLoader: ctx.contextLoader, documentLoader: ctx.documentLoader };
    const activity = await withRecordedMediaTerms(
      await Activity.fromJsonLd(row.activity, loaders),
      row.activity,
      loaders,
    );
    const recipients: Recipient[] = row.recipients.map((recipient) => ({
      id: url(recipient.id),
      inboxId: url(recipient.inbox),
      endpoints: recipient.sharedInbox ? { sharedInbox: new URL(recipient.sharedInbox) } : null,
    }));
    await ctx.sendActivity({ identifier: row.username }, recipients, activity, {
      preferSharedInbox: row.shared_inbox,
      excludeBaseUris: [new URL(this.runtime.origin)],
      // A member's activities reach each server in the order they were made (a Delete never
      // overtakes its Create) while deliveries to different servers run in parallel.
      orderingKey: ctx.getActorUri(row.username).href,
      ...(hasMediaTerms(activity) ? { fanout: 'skip' as const } : {}),
    });
  }

  private async noteFailure(manager: Queryable, row: OutboxRow, error: unknown): Promise<void> {
    if (row.attempts + 1 >= MAX_ATTEMPTS) {
      this.logger.error({
        msg: `federation outbox: dropping row ${row.id} after ${MAX_ATTEMPTS} failed relays`,
        err: error,
      });
      await manager.query(`DELETE FROM federation_outbox WHERE id = $1`, [row.id]);
      return;
    }
    this.logger.warn({ msg: `federation outbox: could not relay row ${row.id}`, err: error });
    await manager.query(`UPDATE federation_outbox SET attempts = attempts + 1 WHERE id = $1`, [
      row.id,
    ]);
  }

  /** Runs a pass after `delayMs` unless one is due sooner; passes never overlap. */
  private schedule(delayMs: number): void {
    if (!this.stopped) this.timer.schedule(delayMs);
  }

  private async run(): Promise<void> {
    if (this.pass) {
      this.again = true;
      return;
    }
    this.again = false;
    if (this.connector.available) {
      this.pass = this.relayPending().catch((error: unknown) =>
        this.logger.warn({ msg: 'federation outbox: relay pass failed', err: error }),
      );
      await this.pass;
      this.pass = undefined;
    }
    this.schedule(this.again ? 0 : SWEEP_INTERVAL_MS);
  }

  private context(): Context<void> {
    return this.runtime.context();
  }
}
