import { describe, expect, it } from 'vitest';
import { describeEnvironment } from './env-spec';

describe('describeEnvironment', () => {
  it('marks variables without defaults as required and credentials as secret', () => {
    const api = new Map(describeEnvironment('api').map((spec) => [spec.name, spec]));
    expect(api.get('DATABASE_URL')).toEqual({ name: 'DATABASE_URL', required: true, secret: true });
    expect(api.get('PUBLIC_ORIGIN')).toMatchObject({ required: true, secret: false });
    expect(api.get('LOG_LEVEL')).toMatchObject({ required: false, secret: false });
    expect(api.get('OTEL_EXPORTER_OTLP_ENDPOINT')).toMatchObject({ required: false });
    expect(api.has('SMTP_URL')).toBe(false);
  });

  it('lists the workers-only variables for workers', () => {
    const names = describeEnvironment('workers').map((spec) => spec.name);
    expect(names).toEqual(expect.arrayContaining(['SMTP_URL', 'WORKER_CONCURRENCY', 'REDIS_URL']));
  });
});

describe('the migrate job', () => {
  it('needs only the database', () => {
    expect(describeEnvironment('migrate').filter((spec) => spec.required)).toEqual([
      { name: 'DATABASE_URL', required: true, secret: true },
    ]);
  });
});
