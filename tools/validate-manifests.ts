import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderAll } from './manifests/render.ts';
import { hardCodedRepositoryUrls, REPOSITORY_FILE } from './manifests/repository-url.ts';
import { formatFindings, formatSummary, formatTargetLine } from './manifests/report.ts';
import { RULES } from './manifests/rules/index.ts';
import {
  argocdObjects,
  strictCheckerFor,
  validateTarget,
  type TargetResult,
} from './manifests/validate.ts';

const HELP = `Usage: npx tsx tools/validate-manifests.ts [--rules] [--help]

Renders every deploy/overlays/* overlay and every deploy/components/* component on top of the
base with \`kubectl kustomize\`, reads argocd/ as Argo CD's bootstrap Application does, then checks each object against its schema
(@kubernetes-models, including Istio, Argo CD and Prometheus-operator CRDs, plus hand-written
shapes for Argo Rollouts and External Secrets), rejects fields no schema declares, and applies
FediFlow's policy rules.

Options:
  --rules   list the policy rules and exit
  --help    show this help

Exit codes: 0 all valid, 1 findings, 2 the tool could not run (e.g. kubectl or a render failed).`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { help: { type: 'boolean' }, rules: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.rules) {
    for (const rule of RULES)
      console.log(`${rule.id.padEnd(30)} [${rule.scope}] ${rule.description}`);
    return 0;
  }
  const started = performance.now();
  const repoRoot = path.resolve(import.meta.dirname, '..');
  console.log('Rendering overlays, components and argocd/ …');
  const targets = await renderAll(repoRoot, (target) =>
    console.log(
      `  rendered ${target.name} (${target.objects.length} objects, ${Math.round(target.renderMs)} ms)`,
    ),
  );
  console.log('Loading schemas …');
  const strict = strictCheckerFor(targets);
  const argocd = argocdObjects(targets);
  const results: TargetResult[] = [];
  for (const target of targets) {
    const result = await validateTarget(target, argocd, strict);
    results.push(result);
    console.log(formatTargetLine(result));
  }
  const lines = formatFindings(results);
  if (lines.length) console.log(['', 'Findings:', ...lines].join('\n'));
  console.log(`\n${formatSummary(results, RULES.length, performance.now() - started)}`);
  const copies = await hardCodedRepositoryUrls(repoRoot);
  for (const site of copies)
    console.log(
      `✗ [repository-url-once] ${site}: the GitOps repository URL belongs only in ${REPOSITORY_FILE}`,
    );
  return lines.length || copies.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`validate-manifests: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
