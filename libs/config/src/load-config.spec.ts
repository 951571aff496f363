import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config';

const valid = {
  PUBLIC_ORIGIN: 'https://fediflow.example',
  DATABASE_URL: 'postgres://fediflow@db:5432/fediflow',
  REDIS_URL: 'redis://cache:6379',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig('api', env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig('api', valid);
    expect(config).toMatchObject({
      service: 'api',
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: 3000,
      METRICS_PORT: 9464,
      FEDERATION_ENABLED: true,
      RATE_LIMIT_ENABLED: true,
      MONITORING_ENABLED: true,
      REDIS_KEY_PREFIX: 'fediflow',
    });
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses the seed flags and numbers from strings', () => {
    const config = loadConfig('api', {
      ...valid,
      PORT: '8080',
      FEDERATION_ENABLED: 'false',
      RATE_LIMIT_ENABLED: '0',
      MONITORING_ENABLED: 'true',
      NODE_ENV: 'staging',
    });
    expect(config.PORT).toBe(8080);
    expect(config.FEDERATION_ENABLED).toBe(false);
    expect(config.RATE_LIMIT_ENABLED).toBe(false);
    expect(config.NODE_ENV).toBe('staging');
  });

  it('names a missing variable', () => {
    const { DATABASE_URL: _omitted, ...withoutDatabase } = valid;
    expect(problemsOf(withoutDatabase)).toEqual(['DATABASE_URL is required but not set']);
  });

  it('names every bad variable with the reason', () => {
    const problems = problemsOf({
      ...valid,
      REDIS_URL: 'http://cache:6379',
      PORT: '70000',
      FEDERATION_ENABLED: 'maybe',
      LOG_LEVEL: 'verbose',
    });
    expect(problems).toHaveLength(4);
    expect(problems).toContainEqual(expect.stringMatching(/^REDIS_URL must be a redis:\/\//));
    expect(problems).toContainEqual(expect.stringMatching(/^PORT /));
    expect(problems).toContainEqual(expect.stringMatching(/^FEDERATION_ENABLED /));
    expect(problems).toContainEqual(expect.stringMatching(/^LOG_LEVEL /));
  });

  it('rejects a database URL of another scheme', () => {
    expect(problemsOf({ ...valid, DATABASE_URL: 'mysql://db/fediflow' })).toEqual([
      expect.stringMatching(/^DATABASE_URL must be a postgres:\/\/ URL/),
    ]);
  });

  it('keeps service-specific variables to their service', () => {
    expect(loadConfig('workers', { ...valid, WORKER_CONCURRENCY: '3' }).WORKER_CONCURRENCY).toBe(3);
    expect(loadConfig('api', { ...valid, WORKER_CONCURRENCY: '3' })).not.toHaveProperty(
      'WORKER_CONCURRENCY',
    );
  });

  it('takes MEDIA_PUBLIC_BASE_URL only as an https base without trailing slash, query or fragment', () => {
    const cdn = 'https://d111111abcdef8.cloudfront.net';
    expect(loadConfig('api', { ...valid, MEDIA_PUBLIC_BASE_URL: cdn }).MEDIA_PUBLIC_BASE_URL).toBe(
      cdn,
    );
    expect(
      loadConfig('workers', { ...valid, MEDIA_PUBLIC_BASE_URL: `${cdn}/media` })
        .MEDIA_PUBLIC_BASE_URL,
    ).toBe(`${cdn}/media`);
    expect(loadConfig('api', valid).MEDIA_PUBLIC_BASE_URL).toBeUndefined();
    expect(
      problemsOf({ ...valid, MEDIA_PUBLIC_BASE_URL: 'http://d111111abcdef8.cloudfront.net' }),
    ).toEqual(['MEDIA_PUBLIC_BASE_URL must be a https URL']);
    expect(problemsOf({ ...valid, MEDIA_PUBLIC_BASE_URL: `${cdn}/` })).toEqual([
      'MEDIA_PUBLIC_BASE_URL must not end with "/" (keys are appended)',
    ]);
    expect(problemsOf({ ...valid, MEDIA_PUBLIC_BASE_URL: `${cdn}?v=1` })).toEqual([
      'MEDIA_PUBLIC_BASE_URL must have no query or fragment',
    ]);
    expect(
      problemsOf({ ...valid, MEDIA_PUBLIC_BASE_URL: 'd111111abcdef8.cloudfront.net' }),
    ).toEqual(['MEDIA_PUBLIC_BASE_URL must be a https URL']);
  });

  it('takes web identity (secondary clouds) as a role ARN and an absolute token file, together', () => {
    const identity = {
      AWS_ROLE_ARN: 'arn:aws:iam::111122223333:role/fediflow-dr-media-external',
      AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/sts.amazonaws.com/serviceaccount/token',
    };
    expect(loadConfig('workers', { ...valid, ...identity })).toMatchObject(identity);
    expect(problemsOf({ ...valid, AWS_ROLE_ARN: identity.AWS_ROLE_ARN })).toEqual([
      'AWS_WEB_IDENTITY_TOKEN_FILE is required but not set',
    ]);
    expect(
      problemsOf({ ...valid, ...identity, AWS_ROLE_ARN: 'fediflow-dr-media-external' }),
    ).toEqual(['AWS_ROLE_ARN must be an IAM role ARN']);
    expect(problemsOf({ ...valid, ...identity, AWS_WEB_IDENTITY_TOKEN_FILE: 'token' })).toEqual([
      'AWS_WEB_IDENTITY_TOKEN_FILE must be an absolute path (the projected token file)',
    ]);
  });

  it('queues inbound activities on Redis unless INBOUND_QUEUE=sqs, which needs the queue URL', () => {
    expect(loadConfig('federation', valid).INBOUND_QUEUE).toBe('redis');
    expect(() => loadConfig('federation', { ...valid, INBOUND_QUEUE: 'sqs' })).toThrow(
      'INBOUND_QUEUE_URL is required but not set',
    );
    const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/fediflow-activity-processor';
    const config = loadConfig('workers', {
      ...valid,
      INBOUND_QUEUE: 'sqs',
      INBOUND_QUEUE_URL: url,
    });
    expect(config).toMatchObject({ INBOUND_QUEUE: 'sqs', INBOUND_QUEUE_URL: url });
    expect(() => loadConfig('federation', { ...valid, INBOUND_QUEUE: 'kafka' })).toThrow(
      /INBOUND_QUEUE Invalid option/,
    );
  });
});
