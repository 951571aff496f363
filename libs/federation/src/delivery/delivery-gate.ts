import {
  type MessageQueue,
  type MessageQueueEnqueueOptions,
  type MessageQueueListenOptions,
  type RetryPolicy as FedifyRetryPolicy,
} from '@fedify/fedify';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DomainBlocks } from '../domain-blocks';
import { inboundOrderingKey } from '../inbound-ordering';
import { OUTBOX_RETRY_POLICY, type RetryPolicy } from '@fediflow/queue/federation';
import { fedifyRetryPolicy } from '../retry-backoff';
import { millisecondsDuration } from '../temporal';
import type { CircuitBreaker } from './circuit-breaker';
import type { DeliveryFailures } from './delivery-failures';
import type { DirectDelivery, QueuedDelivery } from './direct-delivery';
import type { DeliveryObserver, DeliveryOutcome, InboundOutcome } from './delivery-outcomes';
import { PERMANENT_DELIVERY_STATUS_CODES } from './permanent-failures';

/** Satisfied by `console` and by Nest's `Logger`. */
export interface DeliveryLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface DeliveryGateOptions {
  breaker: CircuitBreaker;
  failures: DeliveryFailures;
  domainBlocks: DomainBlocks;
  /** Retries of failed deliveries. Default: `OUTBOX_RETRY_POLICY` (days). */
  retry?: RetryPolicy;
  /** Answers after which a delivery is not retried. Default: `PERMANENT_DELIVERY_STATUS_CODES`. */
  permanentStatusCodes?: readonly number[];
  /** A delivery held back by an open circuit for longer than this (since queued) is given up. */
  maxHoldMs?: number;
  logger?: DeliveryLogger;
  /** First attempts sent without Fedify's per-message work; Fedify takes what it cannot deliver. */
  direct?: DirectDelivery;
}

/** The parts of Fedify's queued `OutboxMessage` read here. */
interface OutboxMessage extends QueuedDelivery {
  type: 'outbox';
  id: string;
  inbox: string;
  activityId?: string;
  activityType: string;
  attempt: number;
  started: string;
  orderingKey?: string;
}

/** What Fedify reported while one queued message was being handled. */
interface Handling {
  error?: unknown;
  /** The retry policy declined another attempt. */
  gaveUp?: boolean;
}

const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1_000;

/**
 * Everything FediFlow adds around Fedify's outgoing deliveries, at the one place every delivery
 * passes: the queue handler. Before a delivery it drops those to blocked domains and holds back
 * those to hosts whose circuit is open (re-queued, no attempt spent); after it, it feeds the
 * circuit breaker, records failures in PostgreSQL and reports outcomes. Fedify tells how a
 * delivery went only through callbacks (`onOutboxError`, the retry policy); they run inside the
 * handler's call, so an AsyncLocalStorage ties them to the message in hand.
 */
export class DeliveryGate {
  private readonly handling = new AsyncLocalStorage<Handling>();
  private readonly permanentStatusCodes: readonly number[];
  private readonly maxHoldMs: number;
  private readonly logger: DeliveryLogger;
  private readonly outboxRetryPolicy: FedifyRetryPolicy;
  private observer: DeliveryObserver | undefined;

  constructor(private readonly options: DeliveryGateOptions) {
    this.permanentStatusCodes = options.permanentStatusCodes ?? PERMANENT_DELIVERY_STATUS_CODES;
    this.maxHoldMs = options.maxHoldMs ?? SEVEN_DAYS_MS;
    this.logger = options.logger ?? console;
    this.outboxRetryPolicy = fedifyRetryPolicy(options.retry ?? OUTBOX_RETRY_POLICY);
  }

  /** The workers count outcomes; web nodes never run the queue and leave this unset. */
  observe(observer: DeliveryObserver): void {
    this.observer = observer;
  }

  /** For the inbox handlers' `onProcessed`: relayed to the observer, which exists only later. */
  readonly inboundProcessed = (activityType: string, outcome: InboundOutcome): void => {
    this.observer?.inbound(activityType, outcome);
  };

  /**
   * Options for `createFederation`: this gate's queue around `queue`, its retry policies and error
   * hook, and Fedify's own circuit breaker off (this gate's replaces it: one breaker, whose
   * cool-down grows and whose open circuits can be listed).
   */
  federationOptions(queue: MessageQueue) {
    return {
      queue: this.wrap(queue),
      circuitBreaker: false as const,
      permanentFailureStatusCodes: this.permanentStatusCodes,
      outboxRetryPolicy: this.noteGivingUp(this.outboxRetryPolicy),
      onOutboxError: (error: unknown) => {
        const handling = this.handling.getStore();
        if (handling) handling.error = error;
      },
    };
  }

  private wrap(queue: MessageQueue): MessageQueue {
    const listen = (
      handler: (message: unknown) => Promise<void> | void,
      options?: MessageQueueListenOptions,
    ) => queue.listen((message: unknown) => this.handle(queue, message, handler), options);
    const wrapped: MessageQueue = {
      nativeRetrial: queue.nativeRetrial,
      // Fedify queues inbound activities without an ordering key: one actor's go in order.
      enqueue: (message: unknown, options?: MessageQueueEnqueueOptions) =>
        queue.enqueue(
          message,
          options?.orderingKey === undefined
            ? { ...options, orderingKey: inboundOrderingKey(message) }
            : options,
        ),
      listen,
    };
    const { enqueueMany, getDepth } = queue;
    if (enqueueMany)
      wrapped.enqueueMany = (messages, options) => enqueueMany.call(queue, messages, options);
    if (getDepth) wrapped.getDepth = () => getDepth.call(queue);
    return wrapped;
  }

  /** Fedify calls the retry policy only after a failure, and gets null when it is to give up. */
  private noteGivingUp(policy: FedifyRetryPolicy): FedifyRetryPolicy {
    return (context) => {
      const delay = policy(context);
      const handling = this.handling.getStore();
      if (handling && delay === null) handling.gaveUp = true;
      return delay;
    };
  }

  private async handle(
    queue: MessageQueue,
    message: unknown,
    handler: (message: unknown) => Promise<void> | void,
  ): Promise<void> {
    if (isOutboxMessage(message)) return this.deliver(queue, message, handler);
    return handler(message);
  }

  private async deliver(
    queue: MessageQueue,
    message: OutboxMessage,
    handler: (message: unknown) => Promise<void> | void,
  ): Promise<void> {
    let inbox: URL;
    try {
      inbox = new URL(message.inbox);
    } catch {
      // Fedify reports and drops a message with a malformed inbox itself.
      return handler(message);
    }
    const { breaker } = this.options;
    const host = inbox.host;
    if (await this.options.domainBlocks.isBlocked(inbox)) {
      this.observer?.delivery('blocked');
      return;
    }
    const admission = await breaker.admit(host);
    if (!admission.send) {
      if (Date.now() - Date.parse(message.started) > this.maxHoldMs) {
        const days = Math.round(this.maxHoldMs / 86_400_000);
        await this.settle(message, inbox, 'failed_permanent', {
          error: `${host} unreachable (circuit open) for over ${days} day(s); given up`,
        });
        return;
      }
      // Queued again as it is: the same attempt number, so waiting spends no retry.
      await queue.enqueue(message, {
        delay: millisecondsDuration(Math.max(1, admission.waitMs)),
        orderingKey: message.orderingKey,
      });
      this.observer?.delivery('deferred_circuit');
      return;
    }

    const handling: Handling = {};
    try {
      if (!(await this.sentDirectly(message))) {
        await this.handling.run(handling, async () => handler(message));
      }
    } catch (error) {
      // Fedify let it escape (not a delivery failure as such); the queue retries the message.
      handling.error = error;
      this.observer?.delivery('failed_retry');
      throw error;
    }
    if (handling.error === undefined) {
      // A host with no circuit state (no failures on record) has nothing to reset.
      if (!admission.clean) {
        await this.quietly(`closing the circuit of ${host}`, () => breaker.recordSuccess(host));
      }
      if (message.attempt > 0) {
        await this.quietly(`clearing the failure record for ${inbox.href}`, () =>
          this.options.failures.resolve(inbox, activityIdOf(message)),
        );
      }
      this.observer?.delivery('delivered');
      return;
    }

    const { error } = handling;
    const status = statusOf(error);
    if (status !== undefined && status < 500 && status !== 429) {
      // It answered: the host is up even if it refused this activity.
      await this.quietly(`closing the circuit of ${host}`, () => breaker.recordSuccess(host));
    } else if (status !== undefined || isTransportError(error)) {
      const opened = await this.quietly(`counting a failure of ${host}`, () =>
        breaker.recordFailure(host),
      );
      if (opened) this.logger.warn(`federation delivery: circuit of ${host} open`);
    }
    const permanent =
      (status !== undefined && this.permanentStatusCodes.includes(status)) ||
      handling.gaveUp === true;
    if (status === 410) {
      this.logger.warn(`federation delivery: ${inbox.href} is gone (410); not retried`);
    }
    await this.settle(message, inbox, permanent ? 'failed_permanent' : 'failed_retry', {
      status,
      error: describe(error),
    });
  }

  /** A direct delivery that went wrong in itself (not at the remote) is Fedify's to make. */
  private async sentDirectly(message: OutboxMessage): Promise<boolean> {
    if (!this.options.direct) return false;
    try {
      return await this.options.direct.send(message);
    } catch (error) {
      this.logger.warn(`federation delivery: direct send failed (${describe(error)}); via Fedify`);
      return false;
    }
  }

  /** Records a failed delivery and reports its outcome. */
  private async settle(
    message: OutboxMessage,
    inbox: URL,
    outcome: DeliveryOutcome,
    failure: { status?: number; error: string },
  ): Promise<void> {
    await this.quietly(`recording the failed delivery to ${inbox.href}`, () =>
      this.options.failures.record({
        inbox,
        activityId: activityIdOf(message),
        activityType: message.activityType,
        attempts: message.attempt + 1,
        status: failure.status,
        error: failure.error,
        permanent: outcome === 'failed_permanent',
      }),
    );
    this.observer?.delivery(outcome);
  }

  /** Book-keeping must not fail a delivery that already happened (or was already re-queued). */
  private async quietly<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      this.logger.error(`federation delivery: ${what} failed: ${describe(error)}`);
      return undefined;
    }
  }
}

function isOutboxMessage(message: unknown): message is OutboxMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'outbox' &&
    typeof (message as { inbox?: unknown }).inbox === 'string'
  );
}

function activityIdOf(message: OutboxMessage): string {
  return message.activityId ?? `urn:fedify:message:${message.id}`;
}

/** The remote's status for Fedify's `SendActivityError` (compared by name: CJS and ESM copies). */
function statusOf(error: unknown): number | undefined {
  if (error instanceof Error && error.name === 'SendActivityError') {
    const status = (error as Error & { statusCode?: unknown }).statusCode;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}

/** Network errors and timeouts (Fedify wraps both as `FetchError`; aborts stay `AbortError`). */
function isTransportError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'FetchError' || error.name === 'AbortError' || error.name === 'TimeoutError')
  );
}

/** The error and its causes: `fetch failed` alone does not say that it was a timeout. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const causes: string[] = [];
  for (let cause = error.cause; cause instanceof Error && causes.length < 3; cause = cause.cause) {
    causes.push(`${cause.name}: ${cause.message}`);
  }
  const text = `${error.name}: ${error.message}`;
  return causes.length > 0 ? `${text} (${causes.join('; ')})` : text;
}
