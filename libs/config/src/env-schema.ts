import { z } from 'zod';

/** The services that read configuration; each has its own schema below. */
export const SERVICE_NAMES = ['api', 'federation', 'workers'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const port = z.coerce.number().int().min(1).max(65_535);
const flag = z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] });
const urlWithProtocols = (protocols: RegExp, hint: string) =>
  z.url({ protocol: protocols, error: `must be a ${hint} URL` });

/** The api enforces it at sign-up; federation announces it in NodeInfo. */
const registrationsOpen = flag.default(false);

/** Variables every service reads. Names follow the seed manifests (deploy/base ConfigMap). */
const commonEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'staging', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: port.default(3000),
  METRICS_PORT: port.default(9464),
  PUBLIC_ORIGIN: urlWithProtocols(/^https?$/, 'http(s)'),
  DATABASE_URL: urlWithProtocols(/^postgres(ql)?$/, 'postgres://'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Longest a query may take (server and client side): a dead or black-holed PostgreSQL costs a
   * request at most this long before it answers 503. The workers allow longer batch queries.
   */
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(1_000),
  /** Longest wait for a new PostgreSQL connection or a free pooled one. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  REDIS_URL: urlWithProtocols(/^rediss?$/, 'redis:// or rediss://'),
  /** Namespaces every Redis key (and BullMQ queue) so environments can share one Redis safely. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9:_-]*$/, 'must be lowercase letters, digits, ":", "_" or "-"')
    .default('fediflow'),
  /** Reverse proxies in front of the service whose X-Forwarded-For may be believed (0: none). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  FEDERATION_ENABLED: flag.default(true),
  RATE_LIMIT_ENABLED: flag.default(true),
  MONITORING_ENABLED: flag.default(true),
  /** Upper bound for draining in-flight requests and jobs after SIGTERM. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  /**
   * Keep serving (with /ready answering 503) this long after SIGTERM before closing the listener,
   * for load balancers that poll readiness. Kubernetes uses a preStop pause instead, hence 0.
   */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** Traces go to this OTLP/HTTP collector; tracing is not even loaded when it is unset. */
  OTEL_EXPORTER_OTLP_ENDPOINT: urlWithProtocols(/^https?$/, 'http(s)').optional(),
});

/**
 * Where the federation service queues inbound activities: Redis (the workers' Fedify queue, as
 * before) or SQS (consumed by the activityProcessor Lambda). Outbound deliveries stay on Redis.
 */
const inboundQueueEnv = {
  INBOUND_QUEUE: z.enum(['redis', 'sqs']).default('redis'),
  /** The SQS queue's URL; required with `INBOUND_QUEUE=sqs`. */
  INBOUND_QUEUE_URL: urlWithProtocols(/^https?$/, 'http(s)').optional(),
  /** An SQS-compatible endpoint other than AWS's (local emulators, tests); AWS's when unset. */
  SQS_ENDPOINT_URL: urlWithProtocols(/^https?$/, 'http(s)').optional(),
};

/**
 * A base that media keys are appended to (`<base>/<key>`) in URLs handed to clients and copied
 * into remote servers: https only (browsers block mixed content on an https instance), and no
 * trailing slash, query or fragment, which would end up in the middle of every media URL.
 */
const mediaBaseUrl = urlWithProtocols(/^https$/, 'https').superRefine((value, context) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return; // the URL check above reports it
  }
  if (value.endsWith('/'))
    context.addIssue({ code: 'custom', message: 'must not end with "/" (keys are appended)' });
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#'))
    context.addIssue({ code: 'custom', message: 'must have no query or fragment' });
});

/**
 * Media storage (libs/media): the local filesystem by default, so `npm start` needs nothing; S3 in
 * production, reached with the pod's own identity (IRSA / Pod Identity: no keys in the env).
 */
const mediaEnv = {
  MEDIA_STORAGE: z.enum(['local', 's3']).default('local'),
  /** Where the local driver keeps files (relative to the working directory). */
  MEDIA_LOCAL_DIR: z.string().min(1).default('tmp/media'),
  MEDIA_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  MEDIA_S3_REGION: z.string().min(1).default('us-east-1'),
  /** An S3-compatible endpoint other than AWS's (tests, MinIO); AWS's when unset. */
  MEDIA_S3_ENDPOINT: urlWithProtocols(/^https?$/, 'http(s)').optional(),
  /**
   * Where clients fetch media from (the CloudFront distribution in front of the bucket); the
   * api's own `/system` path when unset (the local driver serves files there).
   */
  MEDIA_PUBLIC_BASE_URL: mediaBaseUrl.optional(),
  /** Largest upload accepted (Mastodon: 16 MiB for images). */
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(512 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  /**
   * Largest video or audio upload (stored as is). Mastodon 4 allows 99 MiB; uploads are still
   * read into memory before storage, so the default is lower.
   */
  MEDIA_MAX_VIDEO_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(512 * 1024 * 1024)
    .default(40 * 1024 * 1024),
  /** Largest decoded image accepted (decompression bombs); Mastodon's limit is 7680×4320. */
  MEDIA_MAX_INPUT_PIXELS: z.coerce.number().int().min(1).max(268_402_689).default(33_177_600),
  /**
   * Outside AWS (the secondary clouds), the role the AWS SDK assumes with the pod's service account
   * token at AWS_WEB_IDENTITY_TOKEN_FILE (web identity federation); both unset on EKS, where Pod
   * Identity supplies credentials. The SDK reads them from the environment itself.
   */
  AWS_ROLE_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN')
    .optional(),
  AWS_WEB_IDENTITY_TOKEN_FILE: z
    .string()
    .regex(/^\//, 'must be an absolute path (the projected token file)')
    .optional(),
};

/**
 * `MEDIA_STORAGE=s3` needs its bucket, and web identity both of its variables: refused at boot
 * rather than at the first upload.
 */
function requireMediaBucket(
  config: {
    MEDIA_STORAGE: 'local' | 's3';
    MEDIA_S3_BUCKET?: string | undefined;
    AWS_ROLE_ARN?: string | undefined;
    AWS_WEB_IDENTITY_TOKEN_FILE?: string | undefined;
  },
  context: z.RefinementCtx,
): void {
  if (config.MEDIA_STORAGE === 's3' && config.MEDIA_S3_BUCKET === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['MEDIA_S3_BUCKET'],
      message: 'must be set when MEDIA_STORAGE=s3',
    });
  }
  if ((config.AWS_ROLE_ARN === undefined) !== (config.AWS_WEB_IDENTITY_TOKEN_FILE === undefined)) {
    context.addIssue({
      code: 'custom',
      path: [config.AWS_ROLE_ARN === undefined ? 'AWS_ROLE_ARN' : 'AWS_WEB_IDENTITY_TOKEN_FILE'],
      message: 'AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are set together (web identity)',
    });
  }
}

/** Backup verification: a copy whose newest status is older is stale (daily backups + slack). */
const maxBackupDataAgeHours = z.coerce
  .number()
  .int()
  .min(1)
  .max(24 * 35)
  .default(26);

/** `INBOUND_QUEUE=sqs` needs the queue's URL: refused at boot rather than at the first inbox POST. */
function requireQueueUrl(
  config: { INBOUND_QUEUE: 'redis' | 'sqs'; INBOUND_QUEUE_URL?: string | undefined },
  context: z.RefinementCtx,
): void {
  if (config.INBOUND_QUEUE === 'sqs' && config.INBOUND_QUEUE_URL === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['INBOUND_QUEUE_URL'],
      message: 'must be set when INBOUND_QUEUE=sqs',
    });
  }
}

export const envSchemas = {
  api: commonEnv
    .extend({
      /** Whether anyone may sign up through the API (institutions usually invite instead). */
      REGISTRATIONS_OPEN: registrationsOpen,
      /** Requests per window per access token (or per IP when anonymous), Mastodon's default. */
      RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(300),
      RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(300),
      /** Account lookup and search resolve remote actors: tests only (SSRF guard), as below. */
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: flag.default(false),
      /**
       * How long the outbox keeps a row after relaying it into Redis, to relay it again should that
       * Redis be lost (restarted empty) before the workers delivered it; 0 deletes rows at once.
       */
      OUTBOX_REDELIVERY_WINDOW_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
      /** Streams one streaming API connection may subscribe to at once. */
      STREAMING_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).max(1_000).default(50),
      /**
       * A streaming connection whose unsent output passes this many bytes (a client that stopped
       * reading) is closed, so one slow client cannot make the pod buffer without bound.
       */
      STREAMING_MAX_BUFFERED_BYTES: z.coerce
        .number()
        .int()
        .min(1_024)
        .max(67_108_864)
        .default(1_048_576),
      ...mediaEnv,
    })
    .superRefine(requireMediaBucket),
  federation: commonEnv
    .extend({
      /** Let Fedify fetch from and deliver to private/loopback addresses: tests only (SSRF guard). */
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: flag.default(false),
      /** Published as NodeInfo's `openRegistrations`: set it as the api's, which enforces it. */
      REGISTRATIONS_OPEN: registrationsOpen,
      ...inboundQueueEnv,
    })
    .superRefine(requireQueueUrl),
  workers: commonEnv
    .extend({
      /** Let Fedify fetch from and deliver to private/loopback addresses: tests only (SSRF guard). */
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: flag.default(false),
      WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
      DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
      /** Outgoing mail (email digest); mail is not sent when unset. */
      SMTP_URL: urlWithProtocols(/^smtps?$/, 'smtp:// or smtps://').optional(),
      /** The scratch copy of the latest backup that `backup-verify.js` checks (its CronJob only). */
      BACKUP_VERIFY_DATABASE_URL: urlWithProtocols(/^postgres(ql)?$/, 'postgres://').optional(),
      BACKUP_VERIFY_MAX_DATA_AGE_HOURS: maxBackupDataAgeHours,
      ...inboundQueueEnv,
      ...mediaEnv,
    })
    .superRefine((config, context) => {
      requireQueueUrl(config, context);
      requireMediaBucket(config, context);
    }),
  /**
   * The restoreValidation Lambda (AWS Backup restore testing): DATABASE_URL is production's, whose
   * credentials the restored copy keeps; the handler swaps in the copy's endpoint.
   */
  restoreValidation: commonEnv
    .pick({
      NODE_ENV: true,
      LOG_LEVEL: true,
      DATABASE_URL: true,
      DATABASE_CONNECT_TIMEOUT_MS: true,
    })
    .extend({
      /** Only restore jobs of this plan are checked (and reported to AWS Backup). */
      RESTORE_TESTING_PLAN_ARN: z
        .string()
        .regex(/^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:restore-testing-plan:/, {
          error: 'must be an AWS Backup restore-testing plan ARN',
        }),
      BACKUP_VERIFY_MAX_DATA_AGE_HOURS: maxBackupDataAgeHours,
    }),
  /** The one-shot schema migration (`node dist/apps/api/migrate.js`, a pre-rollout Job). */
  migrate: commonEnv.pick({ NODE_ENV: true, LOG_LEVEL: true, DATABASE_URL: true }),
} satisfies Record<ServiceName | 'migrate' | 'restoreValidation', z.ZodObject>;

/** Everything that loads configuration: the services and the migration job. */
export type ConfigTarget = keyof typeof envSchemas;

export type CommonConfig = z.output<typeof commonEnv>;
export type ServiceConfig<S extends ConfigTarget> = z.output<(typeof envSchemas)[S]> & {
  readonly service: S;
};
export type ApiConfig = ServiceConfig<'api'>;
export type FederationConfig = ServiceConfig<'federation'>;
export type WorkersConfig = ServiceConfig<'workers'>;
export type MigrateConfig = ServiceConfig<'migrate'>;
export type RestoreValidationConfig = ServiceConfig<'restoreValidation'>;

/** Injection token for the validated configuration: `@Inject(APP_CONFIG) config: ApiConfig`. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** Variables that carry credentials: Kubernetes must supply them from Secrets, never ConfigMaps. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'SMTP_URL',
  'BACKUP_VERIFY_DATABASE_URL',
]);
