import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SqsTestServer } from '@fediflow/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runDlqCli } from './redrive-dlq.ts';

describe('lambda:dlq (list and redrive the activityProcessor dead letters)', () => {
  let sqs: SqsTestServer;
  let client: SQSClient;
  let dlq: string;
  let source: string;
  let run = 0;

  beforeAll(async () => {
    sqs = await SqsTestServer.start();
    client = new SQSClient({
      region: 'eu-west-1',
      endpoint: sqs.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  afterAll(async () => {
    client?.destroy();
    await sqs?.close();
  });
  beforeEach(async () => {
    run += 1;
    dlq = sqs.createQueue(`dlq-${run}`);
    source = sqs.createQueue(`activities-${run}`);
    for (let n = 1; n <= 12; n += 1) {
      const activity = {
        type: 'Create',
        id: `https://remote.test/activities/${n}`,
        actor: 'https://remote.test/users/bob',
      };
      await client.send(
        new SendMessageCommand({
          QueueUrl: dlq,
          MessageBody: JSON.stringify({ type: 'inbox', activity }),
        }),
      );
    }
    await client.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: 'not json' }));
  });

  async function cli(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runDlqCli(args, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      client,
    });
    return { code, out, err };
  }

  it('lists every dead letter with its activity and leaves them in place', async () => {
    const { code, out } = await cli('list', '--dlq', dlq);
    expect(code).toBe(0);
    expect(out[0]).toBe(`13 dead letters in ${dlq}`);
    expect(
      out.filter((l) =>
        /Create +https:\/\/remote.test\/activities\/\d+ +\(https:\/\/remote.test\/users\/bob\)/.test(
          l,
        ),
      ),
    ).toHaveLength(12);
    expect(out.some((l) => l.includes('(unparseable)'))).toBe(true);
    expect(out.at(-1)).toBe('13 listed');
    expect(sqs.messages(dlq)).toHaveLength(13);
    // Visible again at once: a second listing sees them all.
    expect((await cli('list', '--dlq', dlq, '--json')).out).toHaveLength(13);
  });

  it('a dry run changes nothing; a redrive moves every message back, bodies unchanged', async () => {
    const bodies = sqs
      .messages(dlq)
      .map((m) => m.body)
      .sort();
    const dry = await cli('redrive', '--dlq', dlq, '--to', source, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out.at(-1)).toBe('13 listed (dry run: nothing changed)');
    expect(sqs.messages(dlq)).toHaveLength(13);
    expect(sqs.messages(source)).toHaveLength(0);

    const real = await cli('redrive', '--dlq', dlq, '--to', source);
    expect(real.code).toBe(0);
    expect(real.out.at(-1)).toBe(`13 redriven to ${source}`);
    expect(sqs.messages(dlq)).toHaveLength(0);
    expect(
      sqs
        .messages(source)
        .map((m) => m.body)
        .sort(),
    ).toEqual(bodies);
  });

  it('redrives at most --max messages', async () => {
    expect((await cli('redrive', '--dlq', dlq, '--to', source, '--max', '5')).code).toBe(0);
    expect(sqs.messages(source)).toHaveLength(5);
    expect(sqs.messages(dlq)).toHaveLength(8);
  });

  it('exits 1 when SQS refuses, 2 on bad usage, 0 with --help', async () => {
    const missing = await cli('redrive', '--dlq', dlq, '--to', sqs.urlOf('no-such-queue'));
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toMatch(/does not exist/);
    expect(sqs.messages(dlq)).toHaveLength(13);
    expect((await cli('redrive', '--dlq', dlq)).code).toBe(2);
    expect((await cli('purge', '--dlq', dlq)).code).toBe(2);
    expect((await cli('list')).err.join('\n')).toMatch(/--dlq is required/);
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.out.join('\n')).toMatch(/Exit codes/);
  });
});
