import { getLogger, reset, withContext } from '@logtape/logtape';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './create-logger';
import { routeLogTapeToPino } from './logtape-to-pino';

function capture(level: 'info' | 'debug' | 'silent') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  routeLogTapeToPino(createLogger({ service: 'test', level }, destination));
  return lines;
}

describe('routeLogTapeToPino', () => {
  afterEach(async () => {
    await reset();
  });

  it('writes Fedify’s records at the matching pino level, errors with their stack', () => {
    const lines = capture('info');
    getLogger(['fedify', 'federation', 'inbox']).warning('Failed to parse {activity}.', {
      activity: 'x',
    });
    getLogger(['fedify', 'federation']).error('Crashed: {error}', { error: new Error('boom') });
    expect(lines[0]).toMatchObject({
      level: 'warn',
      logger: 'fedify.federation.inbox',
      msg: 'Failed to parse x.',
    });
    expect(lines[1]).toMatchObject({ level: 'error', err: { message: 'boom' } });
    expect(String((lines[1]?.['err'] as { stack: string }).stack)).toContain('boom');
  });

  it('drops what is below pino’s level, and everything when pino is silent', () => {
    const info = capture('info');
    getLogger(['fedify']).debug('noise');
    expect(info).toEqual([]);
    const silent = capture('silent');
    getLogger(['fedify']).error('not even this');
    expect(silent).toEqual([]);
  });

  it('carries Fedify’s implicit context into the record, without a meta warning', () => {
    const lines = capture('info');
    withContext({ activityId: 'https://remote.example/a/1' }, () =>
      getLogger(['fedify', 'federation', 'outbox']).info('Sent.'),
    );
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'Sent.', activityId: 'https://remote.example/a/1' }),
    ]);
  });
});
