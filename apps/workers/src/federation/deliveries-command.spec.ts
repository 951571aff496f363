import type {
  OpenCircuit,
  PendingFollowRequest,
  RecordedDeliveryFailure,
} from '@fediflow/federation';
import { describe, expect, it } from 'vitest';
import { runDeliveriesCommand, UsageError, type DeliveriesSources } from './deliveries-command';

const failure: RecordedDeliveryFailure = {
  inboxUrl: 'https://dead.example/inbox',
  host: 'dead.example',
  activityId: 'https://fediflow.test/follows/1',
  activityType: 'https://www.w3.org/ns/activitystreams#Follow',
  attempts: 3,
  lastStatus: 410,
  lastError: 'SendActivityError: Gone',
  permanent: true,
  firstFailedAt: new Date('2026-11-26T10:00:00Z'),
  lastFailedAt: new Date('2026-11-26T11:00:00Z'),
};
const circuit: OpenCircuit = {
  host: 'down.example',
  failures: 6,
  openedAt: new Date('2026-11-26T10:00:00Z'),
  retryAt: new Date('2026-11-26T10:02:00Z'),
  cooldownMs: 120_000,
  probing: false,
};

const pending: PendingFollowRequest[] = [
  {
    id: '1',
    follower: 'alice',
    target: 'bob@misskey.example',
    requestedAt: new Date('2026-11-25T09:00:00Z'),
    lastSentAt: new Date('2026-11-26T09:00:00Z'),
    resends: 4,
    nextResendAt: null,
  },
  {
    id: '2',
    follower: 'carol',
    target: 'dan@slow.example',
    requestedAt: new Date('2026-11-26T10:15:00Z'),
    lastSentAt: new Date('2026-11-26T10:15:00Z'),
    resends: 0,
    nextResendAt: new Date('2026-11-26T11:15:00Z'),
  },
];

function sources(): DeliveriesSources & { asked: unknown[] } {
  const asked: unknown[] = [];
  return {
    asked,
    failed: async (options) => {
      asked.push(options);
      return [failure];
    },
    openCircuits: async () => [circuit],
    pendingFollows: async (options) => {
      asked.push(options);
      return pending;
    },
  };
}

describe('deliveries command', () => {
  it('lists failed deliveries for a host, limited', async () => {
    const from = sources();
    const output = await runDeliveriesCommand(
      ['failed', '--host', 'dead.example', '--limit', '5'],
      from,
    );
    expect(from.asked).toEqual([{ host: 'dead.example', limit: 5 }]);
    const [header, row] = output.split('\n');
    expect(header).toMatch(/^last failed\s+host\s+status\s+attempts\s+permanent/);
    expect(row).toContain('dead.example');
    expect(row).toContain('410');
    expect(row).toContain('Follow https://fediflow.test/follows/1');
  });

  it('lists open circuits, as JSON on request', async () => {
    const output = await runDeliveriesCommand(['circuits', '--json'], sources());
    expect(JSON.parse(output)).toEqual([
      {
        ...circuit,
        openedAt: circuit.openedAt.toISOString(),
        retryAt: circuit.retryAt.toISOString(),
      },
    ]);
  });

  it('lists unanswered follow requests with their age, re-sends and what comes next', async () => {
    const from = sources();
    const now = new Date('2026-11-26T11:00:00Z');
    const output = await runDeliveriesCommand(['follows', '--limit', '10'], from, now);
    expect(from.asked).toEqual([{ limit: 10 }]);
    const [header, first, second] = output.split('\n');
    expect(header).toMatch(/^requested\s+age\s+follower\s+target\s+re-sent\s+last sent/);
    expect(first).toMatch(/\s1d 2h\s+alice\s+bob@misskey\.example\s+4\s.*gave up$/);
    expect(second).toMatch(/\s45m\s+carol\s+dan@slow\.example\s+0\s.*2026-11-26T11:15:00\.000Z$/);
    await expect(runDeliveriesCommand(['follows', '--host', 'x'], sources())).rejects.toThrow(
      /no --host/,
    );
  });

  it('rejects unknown commands and bad limits', async () => {
    await expect(runDeliveriesCommand(['retry'], sources())).rejects.toThrow(UsageError);
    await expect(runDeliveriesCommand(['failed', '--limit', '0'], sources())).rejects.toThrow(
      /--limit/,
    );
  });
});
