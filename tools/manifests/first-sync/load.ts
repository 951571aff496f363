/**
 * Builds the first-sync model of every cluster: what its Argo CD syncs (argocd/clusters/<cluster>
 * rendered as the bootstrap Application reads it), what each Application deploys (kustomize
 * paths rendered, Helm add-ons from the chart catalog), what Terraform builds for it, and what
 * the images contain.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { kustomize } from '../render.ts';
import { repositoryUrl } from '../repository-url.ts';
import type { K8sObject } from '../types.ts';
import { chartFor, chartObjects, type Values } from './addon-catalog.ts';
import { readImageFacts } from './image-facts.ts';
import { readTerraformFacts } from './terraform-facts.ts';
import type { AppDeployment, ClusterModel, ImageFacts } from './types.ts';

interface AppSource {
  repoURL: string;
  chart?: string;
  path?: string;
  targetRevision?: string;
  ref?: string;
  helm?: { releaseName?: string; valueFiles?: string[]; valuesObject?: Values };
}
export interface AppSpec {
  project?: string;
  source?: AppSource;
  sources?: AppSource[];
  destination?: { server?: string; name?: string; namespace?: string };
  syncPolicy?: { syncOptions?: string[] };
}

export const appSpec = (app: K8sObject): AppSpec => (app['spec'] ?? {}) as AppSpec;
export const appSources = (app: K8sObject): AppSource[] => {
  const spec = appSpec(app);
  return spec.sources ?? (spec.source ? [spec.source] : []);
};
export const syncWave = (object: K8sObject): number =>
  Number(object.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

function deepMerge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current &&
      typeof current === 'object' &&
      !Array.isArray(current)
        ? deepMerge(current as Values, value as Values)
        : value;
  }
  return out;
}

/** Expands list-generator ApplicationSets into the Applications Argo CD would create. */
export function expandApplicationSets(objects: readonly K8sObject[]): K8sObject[] {
  const out: K8sObject[] = [];
  for (const object of objects) {
    if (object.kind !== 'ApplicationSet') {
      out.push(object);
      continue;
    }
    const spec = object['spec'] as {
      generators?: Array<{ list?: { elements?: Array<Record<string, string>> } }>;
      template?: { metadata?: K8sObject['metadata']; spec?: unknown };
    };
    for (const element of spec.generators?.flatMap((g) => g.list?.elements ?? []) ?? []) {
      const text = JSON.stringify(spec.template ?? {}).replace(
        /\{\{\s*\.?([\w]+)\s*\}\}/g,
        (_, key: string) => element[key] ?? '',
      );
      const template = JSON.parse(text) as { metadata?: K8sObject['metadata']; spec?: unknown };
      out.push({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          namespace: object.metadata.namespace,
          ...template.metadata,
          name: template.metadata?.name ?? object.metadata.name,
        },
        spec: template.spec,
      });
    }
  }
  return out;
}

export class ModelLoader {
  private readonly renders = new Map<string, Promise<K8sObject[]>>();
  constructor(readonly repoRoot: string) {}

  /** `kubectl kustomize` of a repository path, once per path. */
  render(relPath: string): Promise<K8sObject[]> {
    let pending = this.renders.get(relPath);
    if (!pending) {
      pending = kustomize(path.join(this.repoRoot, relPath));
      this.renders.set(relPath, pending);
    }
    return pending;
  }

  async clusters(): Promise<string[]> {
    return (await readdir(path.join(this.repoRoot, 'argocd', 'clusters'), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  }

  /** Values an Application passes to its chart: its `$values` files, then `valuesObject`. */
  private async chartValues(sources: AppSource[]): Promise<Values> {
    const chartSource = sources.find((source) => source.chart);
    let values: Values = {};
    for (const file of chartSource?.helm?.valueFiles ?? []) {
      const match = /^\$(\w+)\/(.+)$/.exec(file);
      const refSource = match && sources.find((source) => source.ref === match[1]);
      if (!match || !refSource) throw new Error(`value file ${file} names no ref source`);
      const text = await readFile(path.join(this.repoRoot, match[2]!), 'utf8');
      values = deepMerge(values, (parseYaml(text) as Values | null) ?? {});
    }
    return deepMerge(values, chartSource?.helm?.valuesObject ?? {});
  }

  async deployment(app: K8sObject): Promise<AppDeployment> {
    const sources = appSources(app);
    const namespace = appSpec(app).destination?.namespace ?? 'default';
    const chartSource = sources.find((source) => source.chart);
    if (chartSource) {
      const chart = chartFor(chartSource.repoURL, chartSource.chart!);
      const values = await this.chartValues(sources);
      const release = chartSource.helm?.releaseName ?? app.metadata.name;
      const objects = chart
        ? chartObjects(
            chart.workloads(values, release),
            chart.services?.(values, release) ?? [],
            namespace,
          )
        : [];
      return {
        app,
        wave: syncWave(app),
        objects,
        ...(chart ? { chart } : {}),
        values,
        extraNamespaces: chart?.extraNamespaces?.(values) ?? [],
      };
    }
    const objects: K8sObject[] = [];
    for (const source of sources.filter((candidate) => candidate.path !== undefined))
      for (const object of structuredClone(await this.render(source.path!))) objects.push(object);
    return { app, wave: syncWave(app), objects, extraNamespaces: [] };
  }

  /** The cluster.yaml ConfigMap's data (local config: kustomize drops it from the render). */
  private async declared(name: string): Promise<Record<string, string>> {
    const file = path.join(this.repoRoot, 'argocd', 'clusters', name, 'cluster.yaml');
    const config = parseYaml(await readFile(file, 'utf8')) as { data?: Record<string, string> };
    return config.data ?? {};
  }

  async cluster(name: string, image: ImageFacts): Promise<ClusterModel> {
    const root = expandApplicationSets(await this.render(`argocd/clusters/${name}`));
    const declared = await this.declared(name);
    const terraform = await readTerraformFacts(this.repoRoot, name, declared);
    if (!terraform)
      throw new Error(
        `argocd/clusters/${name} has no terraform/environments/${name} that builds it`,
      );
    const apps = await Promise.all(
      root.filter((object) => object.kind === 'Application').map((app) => this.deployment(app)),
    );
    return { name, declared, root, apps, terraform, image };
  }

  async all(only?: string): Promise<ClusterModel[]> {
    const names = await this.clusters();
    if (only && !names.includes(only))
      throw new Error(`no cluster ${only} (argocd/clusters has ${names.join(', ')})`);
    const image = await readImageFacts(this.repoRoot, await repositoryUrl(this.repoRoot));
    return Promise.all(
      names.filter((name) => !only || name === only).map((name) => this.cluster(name, image)),
    );
  }
}
