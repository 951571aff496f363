import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { inboundOrderingKey } from '@fediflow/federation';

export interface SqsBatchDeps {
  /** Handles one queued message (Fedify's own, parsed from the record's body); throws to retry. */
  process(message: unknown, record: SQSRecord): Promise<void>;
  /** Milliseconds left before the function times out (`context.getRemainingTimeInMillis`). */
  remainingMs(): number;
  /** A record is started only with at least this much time left; the rest are handed back. */
  reserveMs: number;
  logger: {
    warn(entry: Record<string, unknown>): void;
    error(entry: Record<string, unknown>): void;
  };
}

/** The record's body is not a queued Fedify message: it fails every time (and ends in the DLQ). */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
  readonly code = 'POISON_MESSAGE';
}

/**
 * Handles an SQS batch as Lambda's partial batch response wants it: only the records that failed
 * (or were never started because time ran short) are listed in `batchItemFailures`, so SQS
 * redelivers those alone and deletes the rest. One actor's activities keep their order: they are
 * handled one after another, and once one fails the later ones are handed back with it; other
 * actors' run in parallel. A record is started only with `reserveMs` left, so a slow batch is
 * cut between records, never inside one.
 */
export async function handleSqsBatch(
  records: readonly SQSRecord[],
  deps: SqsBatchDeps,
): Promise<SQSBatchResponse> {
  const failed = new Set<string>();
  const groups = new Map<string, { record: SQSRecord; message: unknown }[]>();
  for (const record of records) {
    let message: unknown;
    try {
      message = parseMessage(record.body);
    } catch (error) {
      deps.logger.error({
        msg: 'poison message',
        message_id: record.messageId,
        err: String(error),
      });
      failed.add(record.messageId);
      continue;
    }
    const key = inboundOrderingKey(message) ?? `record ${record.messageId}`;
    const group = groups.get(key) ?? [];
    group.push({ record, message });
    groups.set(key, group);
  }

  await Promise.all(
    [...groups.values()].map(async (group) => {
      let blocked = false;
      for (const { record, message } of group) {
        if (blocked || deps.remainingMs() < deps.reserveMs) {
          if (!blocked) {
            deps.logger.warn({
              msg: 'time is short: handing the record back',
              message_id: record.messageId,
            });
          }
          failed.add(record.messageId);
          blocked = true;
          continue;
        }
        try {
          await deps.process(message, record);
        } catch (error) {
          deps.logger.error({
            msg: 'activity failed; SQS redelivers it',
            message_id: record.messageId,
            receive_count: record.attributes.ApproximateReceiveCount,
            err: error instanceof Error ? error.message : String(error),
          });
          failed.add(record.messageId);
          blocked = true;
        }
      }
    }),
  );
  // In the batch's order, as SQS listed them.
  return {
    batchItemFailures: records
      .filter((record) => failed.has(record.messageId))
      .map((record) => ({ itemIdentifier: record.messageId })),
  };
}

function parseMessage(body: string): unknown {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    throw new PoisonMessageError('the body is not JSON');
  }
  if (typeof message !== 'object' || message === null || !('type' in message)) {
    throw new PoisonMessageError('the body is not a queued Fedify message');
  }
  const { type } = message as { type: unknown };
  if (type !== 'inbox') throw new PoisonMessageError(`unexpected message type ${String(type)}`);
  return message;
}
