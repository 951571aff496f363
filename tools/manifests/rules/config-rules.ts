import {
  describeEnvironment,
  envSchemas,
  SERVICE_NAMES,
  type EnvVariableSpec,
  type ServiceName,
} from '@fediflow/config';
import { objectRef, type K8sObject } from '../types.ts';
import {
  byKind,
  containerPath,
  fediflowService,
  podOwners,
  type Container,
  type PodOwner,
} from '../workloads.ts';
import type { Rule } from './rule.ts';

type Source = 'configMap' | 'secretKeyRef' | 'literal' | 'secretRef' | 'other';

interface ProvidedVariable {
  readonly name: string;
  readonly source: Source;
  readonly field: string;
  /** The value, where the manifests say it (ConfigMap data, literals). */
  readonly value?: string | undefined;
}

interface ConfiguredContainer {
  readonly owner: PodOwner;
  readonly container: Container;
  readonly service: ServiceName;
  readonly variables: ProvidedVariable[];
}

const isServiceName = (name: string | undefined): name is ServiceName =>
  (SERVICE_NAMES as readonly string[]).includes(name ?? '');

/** Every variable a FediFlow container receives, with where it comes from. */
function configuredContainers(objects: readonly K8sObject[]): ConfiguredContainer[] {
  const configMaps = new Map(
    byKind(objects, 'ConfigMap').map((map) => [
      map.metadata.name,
      Object.entries((map['data'] as Record<string, string> | undefined) ?? {}),
    ]),
  );
  const result: ConfiguredContainer[] = [];
  for (const owner of podOwners(objects)) {
    for (const container of owner.spec.containers) {
      const service = fediflowService(container.image);
      if (!isServiceName(service)) continue;
      const path = containerPath(owner, container);
      const variables: ProvidedVariable[] = [];
      (container.envFrom ?? []).forEach((source, index) => {
        const field = `${path}.envFrom[${index}]`;
        if (source.configMapRef) {
          for (const [key, value] of configMaps.get(source.configMapRef.name) ?? [])
            variables.push({
              name: `${source.prefix ?? ''}${key}`,
              source: 'configMap',
              field,
              value,
            });
        } else if (source.secretRef) {
          variables.push({
            name: `(all keys of Secret ${source.secretRef.name})`,
            source: 'secretRef',
            field,
          });
        }
      });
      for (const variable of container.env ?? []) {
        const field = `${path}.env[${variable.name}]`;
        const from = variable.valueFrom;
        const source: Source = from?.secretKeyRef
          ? 'secretKeyRef'
          : from?.configMapKeyRef
            ? 'configMap'
            : variable.value !== undefined
              ? 'literal'
              : 'other';
        variables.push({ name: variable.name, source, field, value: variable.value });
      }
      result.push({ owner, container, service, variables });
    }
  }
  return result;
}

const specsFor = (() => {
  const cache = new Map<ServiceName, EnvVariableSpec[]>();
  return (service: ServiceName) => {
    let specs = cache.get(service);
    if (!specs) cache.set(service, (specs = describeEnvironment(service)));
    return specs;
  };
})();

export const configRequiredEnv: Rule = {
  id: 'config-required-env',
  description:
    'every variable the service schema requires (libs/config describeEnvironment) is provided',
  scope: 'environment',
  check({ target }) {
    const problems: Array<{ object: string; field: string; message: string }> = [];
    for (const configured of configuredContainers(target.objects)) {
      const provided = new Set(configured.variables.map((variable) => variable.name));
      for (const spec of specsFor(configured.service).filter(
        (candidate) => candidate.required && !provided.has(candidate.name),
      ))
        problems.push({
          object: objectRef(configured.owner.object),
          field: `${containerPath(configured.owner, configured.container)}.env`,
          message: `${spec.name} is required by the ${configured.service} schema but not provided`,
        });
    }
    return problems;
  },
};

export const configKnownEnv: Rule = {
  id: 'config-known-env',
  description: 'no container receives a variable its service schema does not know',
  scope: 'workloads',
  check({ target }) {
    const problems: Array<{ object: string; field: string; message: string }> = [];
    for (const configured of configuredContainers(target.objects)) {
      const known = new Set(specsFor(configured.service).map((spec) => spec.name));
      for (const variable of configured.variables.filter(
        (candidate) => candidate.source !== 'secretRef' && !known.has(candidate.name),
      ))
        problems.push({
          object: objectRef(configured.owner.object),
          field: variable.field,
          message: `${variable.name} is not in the ${configured.service} schema (libs/config/src/env-schema.ts)`,
        });
    }
    return problems;
  },
};

export const envSources: Rule = {
  id: 'secrets-via-secret-key-ref',
  description:
    'secret variables come only from secretKeyRef, other variables only from ConfigMaps; no envFrom Secrets, no literals',
  scope: 'workloads',
  check({ target }) {
    const problems: Array<{ object: string; field: string; message: string }> = [];
    for (const configured of configuredContainers(target.objects)) {
      const secret = new Set(
        specsFor(configured.service)
          .filter((spec) => spec.secret)
          .map((spec) => spec.name),
      );
      for (const variable of configured.variables) {
        const object = objectRef(configured.owner.object);
        if (variable.source === 'secretRef')
          problems.push({
            object,
            field: variable.field,
            message:
              'envFrom secretRef exposes a whole Secret; name each variable with secretKeyRef',
          });
        else if (secret.has(variable.name) && variable.source !== 'secretKeyRef')
          problems.push({
            object,
            field: variable.field,
            message: `${variable.name} is secret and must come from secretKeyRef, not ${variable.source}`,
          });
        else if (!secret.has(variable.name) && variable.source !== 'configMap')
          problems.push({
            object,
            field: variable.field,
            message: `${variable.name} must come from a ConfigMap, not ${variable.source}`,
          });
      }
    }
    return problems;
  },
};

/**
 * What a container ends up with: later envFrom sources override earlier ones and `env` overrides
 * them all, as the kubelet resolves them.
 */
const effectiveValues = (configured: ConfiguredContainer) =>
  new Map(configured.variables.map((variable) => [variable.name, variable]));

export const mediaPublicUrl: Rule = {
  id: 'media-public-url',
  description:
    'S3 media settings reach api and workers (components/media-s3), and a service storing media on S3 hands clients the CDN: MEDIA_PUBLIC_BASE_URL is an https base its schema accepts',
  scope: 'environment',
  check({ target }) {
    const problems: Array<{ object: string; field: string; message: string }> = [];
    // An overlay that generates media-config without the media-s3 component that hands it to the
    // containers would silently keep media on each pod's disk.
    const referenced = new Set(
      podOwners(target.objects).flatMap((owner) =>
        owner.spec.containers.flatMap((container) =>
          (container.envFrom ?? []).map((source) => source.configMapRef?.name),
        ),
      ),
    );
    for (const map of byKind(target.objects, 'ConfigMap')) {
      const data = (map['data'] ?? {}) as Record<string, string>;
      if (data['MEDIA_STORAGE'] === 's3' && !referenced.has(map.metadata.name))
        problems.push({
          object: objectRef(map),
          field: 'data.MEDIA_STORAGE',
          message:
            'S3 media settings no container reads: include deploy/components/media-s3, which hands them to api and workers',
        });
    }
    for (const configured of configuredContainers(target.objects)) {
      const shape = envSchemas[configured.service].shape;
      if (!('MEDIA_PUBLIC_BASE_URL' in shape)) continue;
      const values = effectiveValues(configured);
      const storage = values.get('MEDIA_STORAGE');
      if (storage?.value !== 's3') continue;
      const object = objectRef(configured.owner.object);
      const base = values.get('MEDIA_PUBLIC_BASE_URL');
      if (base?.value === undefined) {
        problems.push({
          object,
          field: storage.field,
          message:
            'MEDIA_STORAGE=s3 without MEDIA_PUBLIC_BASE_URL: every media view would go through the api instead of CloudFront (set it to the Terraform output media_public_base_url)',
        });
        continue;
      }
      const parsed = shape.MEDIA_PUBLIC_BASE_URL.safeParse(base.value);
      if (!parsed.success)
        problems.push({
          object,
          field: base.field,
          message: `MEDIA_PUBLIC_BASE_URL=${base.value} ${parsed.error.issues.map((issue) => issue.message).join('; ')} (libs/config would refuse to start)`,
        });
    }
    return problems;
  },
};
