/**
 * Every name an object uses resolves in the cluster after the first sync: Secrets (incl. those an
 * ExternalSecret or a cert-manager Certificate produces), ConfigMaps, ServiceAccounts, secret
 * stores, the Gateway's TLS credential (looked up in the gateway pods' namespace, as Istio does),
 * Service selectors, DestinationRule hosts, AuthorizationPolicy principals and selectors,
 * NetworkPolicy and PDB selectors, HPA targets.
 */
import {
  allContainers,
  namespaces,
  placeAll,
  placedRef,
  podTemplates,
  selects,
  type LabelSelector,
  type Placed,
  type PodTemplate,
} from '../inventory.ts';
import type { SyncRule } from '../types.ts';

type Problem = { object: string; message: string };

export const referencesRule: SyncRule = {
  id: 'references-resolve',
  description:
    'Secrets, ConfigMaps, ServiceAccounts, secret stores, TLS credentials, selectors, hosts, principals and HPA targets all resolve',
  check(cluster) {
    const placed = placeAll(cluster);
    const pods = podTemplates(placed);
    const known = new Set<string>();
    const key = (kind: string, namespace: string | undefined, name: string) =>
      `${kind}|${namespace ?? ''}|${name}`;
    for (const entry of placed) {
      known.add(key(entry.object.kind, entry.namespace, entry.object.metadata.name));
      const spec = (entry.object['spec'] ?? {}) as {
        target?: { name?: string };
        secretName?: string;
      };
      if (entry.object.kind === 'ExternalSecret')
        known.add(key('Secret', entry.namespace, spec.target?.name ?? entry.object.metadata.name));
      if (entry.object.kind === 'Certificate' && spec.secretName)
        known.add(key('Secret', entry.namespace, spec.secretName));
    }
    const allNamespaces = namespaces(cluster, placed);
    for (const namespace of allNamespaces.keys())
      known.add(key('ServiceAccount', namespace, 'default'));
    const has = (kind: string, namespace: string | undefined, name: string) =>
      known.has(key(kind, namespace, name));
    const problems: Problem[] = [];
    const missing = (entry: Placed, what: string) =>
      problems.push({ object: placedRef(entry), message: `${what} does not exist in the cluster` });

    for (const pod of pods) checkPod(pod, has, missing);
    const podsIn = (namespace: string | undefined) =>
      pods.filter((pod) => pod.owner.namespace === namespace);
    const anyPod = (namespace: string | undefined, selector: LabelSelector | undefined) =>
      podsIn(namespace).some((pod) => selects(selector, pod.labels));

    for (const entry of placed) {
      const { object, namespace } = entry;
      const spec = (object['spec'] ?? {}) as Record<string, any>;
      switch (object.kind) {
        case 'ExternalSecret': {
          const store = spec['secretStoreRef'] as { kind?: string; name: string } | undefined;
          if (
            store &&
            !has(
              store.kind ?? 'SecretStore',
              store.kind === 'ClusterSecretStore' ? undefined : namespace,
              store.name,
            )
          )
            missing(entry, `${store.kind ?? 'SecretStore'} ${store.name}`);
          break;
        }
        case 'Certificate': {
          const issuer = spec['issuerRef'] as { kind?: string; name: string } | undefined;
          if (
            issuer &&
            !has(
              issuer.kind ?? 'Issuer',
              issuer.kind === 'ClusterIssuer' ? undefined : namespace,
              issuer.name,
            )
          )
            missing(entry, `${issuer.kind ?? 'Issuer'} ${issuer.name}`);
          break;
        }
        case 'Service': {
          const selector = spec['selector'] as Record<string, string> | undefined;
          if (
            selector &&
            Object.keys(selector).length &&
            !anyPod(namespace, { matchLabels: selector })
          )
            problems.push({
              object: placedRef(entry),
              message: `selector ${JSON.stringify(selector)} matches no pod in ${namespace}`,
            });
          break;
        }
        case 'Gateway': {
          const gatewayPods = pods.filter((pod) =>
            selects({ matchLabels: spec['selector'] }, pod.labels),
          );
          if (!gatewayPods.length) {
            problems.push({
              object: placedRef(entry),
              message: `selector ${JSON.stringify(spec['selector'])} matches no gateway pod`,
            });
            break;
          }
          for (const server of (spec['servers'] ?? []) as Array<{
            tls?: { credentialName?: string };
          }>) {
            const credential = server.tls?.credentialName;
            if (
              credential &&
              !gatewayPods.some((pod) => has('Secret', pod.owner.namespace, credential))
            )
              problems.push({
                object: placedRef(entry),
                message: `TLS credentialName ${credential} is no Secret in the gateway pods' namespace (${gatewayPods[0]!.owner.namespace})`,
              });
          }
          break;
        }
        case 'DestinationRule': {
          const host = String(spec['host'] ?? '');
          if (host.startsWith('*')) break;
          const parts = host.replace(/\.svc\.cluster\.local$/, '').split('.');
          const [name, hostNamespace] =
            parts.length === 1 ? [parts[0]!, namespace] : [parts[0]!, parts[1]];
          const external = placed.some(
            (other) =>
              other.object.kind === 'ServiceEntry' &&
              ((other.object['spec'] as { hosts?: string[] })?.hosts ?? []).includes(host),
          );
          if (!external && !has('Service', hostNamespace, name))
            problems.push({
              object: placedRef(entry),
              message: `host ${host} is no Service (${hostNamespace}/${name}) and no ServiceEntry`,
            });
          break;
        }
        case 'VirtualService': {
          // As istioctl analyze: gateways exist, destinations are Services with that port.
          for (const gateway of (spec['gateways'] ?? []) as string[]) {
            if (gateway === 'mesh') continue;
            const [gatewayNamespace, gatewayName] = gateway.includes('/')
              ? gateway.split('/')
              : [namespace, gateway];
            if (!has('Gateway', gatewayNamespace, gatewayName!))
              missing(entry, `Gateway ${gateway}`);
          }
          const routes = (
            (spec['http'] ?? []) as Array<{
              route?: Array<{ destination?: { host?: string; port?: { number?: number } } }>;
            }>
          ).flatMap((http) => http.route ?? []);
          for (const route of routes) {
            const host = route.destination?.host ?? '';
            const parts = host.replace(/\.svc\.cluster\.local$/, '').split('.');
            const [name, hostNamespace] =
              parts.length === 1 ? [parts[0]!, namespace] : [parts[0]!, parts[1]];
            const service = placed.find(
              (other) =>
                other.object.kind === 'Service' &&
                other.namespace === hostNamespace &&
                other.object.metadata.name === name,
            );
            if (!service) {
              problems.push({
                object: placedRef(entry),
                message: `route destination ${host} is no Service`,
              });
              continue;
            }
            const port = route.destination?.port?.number;
            const ports = (
              (service.object['spec'] as { ports?: Array<{ port: number }> }).ports ?? []
            ).map((p) => p.port);
            if (port !== undefined && !ports.includes(port))
              problems.push({
                object: placedRef(entry),
                message: `route destination ${host}:${port} is not a port of Service ${name} (${ports.join(', ')})`,
              });
          }
          break;
        }
        case 'AuthorizationPolicy': {
          const selector = spec['selector'] as LabelSelector | undefined;
          if (selector && !anyPod(namespace, selector))
            problems.push({
              object: placedRef(entry),
              message: `selector matches no pod in ${namespace}`,
            });
          for (const rule of (spec['rules'] ?? []) as Array<{
            from?: Array<{ source?: { principals?: string[]; namespaces?: string[] } }>;
          }>)
            for (const from of rule.from ?? []) {
              for (const principal of from.source?.principals ?? []) {
                const match = /^cluster\.local\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
                if (match && !has('ServiceAccount', match[1], match[2]!))
                  problems.push({
                    object: placedRef(entry),
                    message: `principal ${principal} names a ServiceAccount that does not exist`,
                  });
              }
              for (const source of from.source?.namespaces ?? [])
                if (!allNamespaces.has(source))
                  problems.push({
                    object: placedRef(entry),
                    message: `source namespace ${source} does not exist`,
                  });
            }
          break;
        }
        case 'NetworkPolicy': {
          const selector = spec['podSelector'] as LabelSelector | undefined;
          const empty =
            !selector ||
            (!Object.keys(selector.matchLabels ?? {}).length &&
              !(selector.matchExpressions ?? []).length);
          if (!empty && !anyPod(namespace, selector))
            problems.push({
              object: placedRef(entry),
              message: `podSelector matches no pod in ${namespace}`,
            });
          const peers = [
            ...((spec['egress'] ?? []) as Array<{ to?: unknown[] }>).flatMap(
              (rule) => rule.to ?? [],
            ),
            ...((spec['ingress'] ?? []) as Array<{ from?: unknown[] }>).flatMap(
              (rule) => rule.from ?? [],
            ),
          ] as Array<{ namespaceSelector?: LabelSelector; podSelector?: LabelSelector }>;
          for (const peer of peers) {
            if (!peer.namespaceSelector && !peer.podSelector) continue;
            const peerNamespaces = peer.namespaceSelector
              ? [...allNamespaces]
                  .filter(([, labels]) => selects(peer.namespaceSelector, labels))
                  .map(([name]) => name)
              : [namespace!];
            const matched = peerNamespaces.some((peerNamespace) =>
              anyPod(peerNamespace, peer.podSelector),
            );
            if (!matched)
              problems.push({
                object: placedRef(entry),
                message: `peer ${JSON.stringify(peer)} matches no pod`,
              });
          }
          break;
        }
        case 'PodDisruptionBudget':
          if (!anyPod(namespace, spec['selector'] as LabelSelector))
            problems.push({
              object: placedRef(entry),
              message: `selector matches no pod in ${namespace}`,
            });
          break;
        case 'HorizontalPodAutoscaler': {
          const target = spec['scaleTargetRef'] as { kind: string; name: string };
          if (!has(target.kind, namespace, target.name))
            missing(entry, `scale target ${target.kind}/${target.name}`);
          break;
        }
        default:
          break;
      }
    }
    return problems;
  },
};

function checkPod(
  pod: PodTemplate,
  has: (kind: string, namespace: string | undefined, name: string) => boolean,
  missing: (entry: Placed, what: string) => void,
) {
  const namespace = pod.owner.namespace;
  const account = pod.spec.serviceAccountName;
  if (account && !has('ServiceAccount', namespace, account))
    missing(pod.owner, `ServiceAccount ${account}`);
  for (const container of allContainers(pod.spec)) {
    for (const source of container.envFrom ?? []) {
      const optional = (source.secretRef ?? source.configMapRef) as
        { optional?: boolean } | undefined;
      if (optional?.optional) continue;
      if (source.secretRef && !has('Secret', namespace, source.secretRef.name))
        missing(pod.owner, `Secret ${source.secretRef.name} (${container.name} envFrom)`);
      if (source.configMapRef && !has('ConfigMap', namespace, source.configMapRef.name))
        missing(pod.owner, `ConfigMap ${source.configMapRef.name} (${container.name} envFrom)`);
    }
    for (const variable of container.env ?? []) {
      const secret = variable.valueFrom?.secretKeyRef;
      if (secret && !secret.optional && !has('Secret', namespace, secret.name))
        missing(pod.owner, `Secret ${secret.name} (${container.name} env ${variable.name})`);
      const config = variable.valueFrom?.configMapKeyRef as
        { name: string; optional?: boolean } | undefined;
      if (config && !config.optional && !has('ConfigMap', namespace, config.name))
        missing(pod.owner, `ConfigMap ${config.name} (${container.name} env ${variable.name})`);
    }
  }
  for (const volume of (pod.spec.volumes ?? []) as Array<{
    secret?: { secretName: string; optional?: boolean };
    configMap?: { name: string; optional?: boolean };
  }>) {
    if (
      volume.secret &&
      !volume.secret.optional &&
      !has('Secret', namespace, volume.secret.secretName)
    )
      missing(pod.owner, `Secret ${volume.secret.secretName} (volume)`);
    if (
      volume.configMap &&
      !volume.configMap.optional &&
      !has('ConfigMap', namespace, volume.configMap.name)
    )
      missing(pod.owner, `ConfigMap ${volume.configMap.name} (volume)`);
  }
}
