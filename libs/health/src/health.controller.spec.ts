import { ServiceUnavailableException } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { HealthController } from './health.controller';
import { READINESS_CHECKS } from './health.tokens';
import type { ReadinessCheck } from './readiness-check';
import { ShutdownState } from './shutdown-state';

function fakeCheck(key: string, up: () => boolean): ReadinessCheck {
  const indicators = new HealthIndicatorService();
  return {
    key,
    check: async () =>
      up()
        ? indicators.check(key).up()
        : indicators.check(key).down({ message: `${key} unreachable` }),
  };
}

async function controllerWith(checks: ReadinessCheck[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [TerminusModule.forRoot({ logger: false })],
    controllers: [HealthController],
    providers: [ShutdownState, { provide: READINESS_CHECKS, useValue: checks }],
  }).compile();
  return { controller: moduleRef.get(HealthController), shutdown: moduleRef.get(ShutdownState) };
}

async function readinessFailure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    return (error as ServiceUnavailableException).getResponse();
  }
  throw new Error('expected readiness to fail');
}

describe('HealthController', () => {
  it('is live without consulting any dependency', async () => {
    const { controller } = await controllerWith([fakeCheck('database', () => false)]);
    expect(controller.live()).toEqual({ status: 'ok' });
  });

  it('is ready only when every check is up, and recovers with them', async () => {
    let databaseUp = false;
    const { controller } = await controllerWith([
      fakeCheck('database', () => databaseUp),
      fakeCheck('redis', () => true),
    ]);
    expect(await readinessFailure(controller.ready())).toMatchObject({
      status: 'error',
      error: { database: { status: 'down', message: 'database unreachable' } },
    });
    databaseUp = true;
    expect(await controller.ready()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' } },
    });
  });

  it('fails readiness from the moment shutdown begins', async () => {
    const { controller, shutdown } = await controllerWith([fakeCheck('redis', () => true)]);
    shutdown.begin();
    expect(await readinessFailure(controller.ready())).toMatchObject({
      error: { shutdown: { status: 'down', message: 'draining after SIGTERM' } },
    });
  });
});
