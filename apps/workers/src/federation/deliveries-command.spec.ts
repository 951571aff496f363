import type { OpenCircuit, RecordedDeliveryFailure } from '@fediflow/federation';
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

function sources(): DeliveriesSources & { asked: unknown[] } {
  const asked: unknown[] = [];
  return {
    asked,
    failed: async (options) => {
      asked.push(options);
      return [failure];
    },
    openCircuits: async () => [circuit],
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

  it('rejects unknown commands and bad limits', async () => {
    await expect(runDeliveriesCommand(['retry'], sources())).rejects.toThrow(UsageError);
    await expect(runDeliveriesCommand(['failed', '--limit', '0'], sources())).rejects.toThrow(
      /--limit/,
    );
  });
});
