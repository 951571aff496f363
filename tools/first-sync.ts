/**
 * The first-sync model: for each cluster, what its Argo CD would do on a fresh Terraform-built
 * cluster, checked against what the real controllers do (see tools/manifests/first-sync/).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FIRST_SYNC_RULES, ModelLoader, checkCluster } from './manifests/first-sync/index.ts';

const HELP = `Usage: npx tsx tools/first-sync.ts [--cluster <name>] [--rules] [--help]

Models the first Argo CD sync of every cluster under argocd/clusters/ onto the cluster that
terraform/environments/<cluster> builds: renders the cluster's entry point and every
Application's source (kustomize paths; Helm add-ons from the chart catalog in
tools/manifests/first-sync/addon-catalog.ts), reads Terraform, the Dockerfile and the image
workflow, and checks:
${FIRST_SYNC_RULES.map((rule) => `  ${rule.id.padEnd(28)} ${rule.description}`).join('\n')}

Options:
  --cluster <name>  model one cluster only
  --rules           list the rules and exit
  --help            show this help

Exit codes: 0 every cluster comes up, 1 findings, 2 the model could not be built (e.g. a render failed).`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        help: { type: 'boolean', short: 'h' },
        rules: { type: 'boolean' },
        cluster: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`first-sync: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.rules) {
    for (const rule of FIRST_SYNC_RULES) console.log(`${rule.id.padEnd(28)} ${rule.description}`);
    return 0;
  }
  const started = performance.now();
  const repoRoot = path.resolve(import.meta.dirname, '..');
  console.log(
    'Building the first-sync model (argocd/clusters, deploy/, terraform/, Dockerfile, images workflow) …',
  );
  const clusters = await new ModelLoader(repoRoot).all(values.cluster);
  let total = 0;
  for (const cluster of clusters) {
    const findings = checkCluster(cluster);
    total += findings.length;
    const objects = cluster.apps.reduce((sum, app) => sum + app.objects.length, 0);
    console.log(
      `${findings.length ? 'FAIL' : 'ok  '} ${cluster.name.padEnd(12)} ${cluster.apps.length} Applications, ${objects} objects, environment ${cluster.terraform.environment}${findings.length ? `, ${findings.length} finding(s)` : ''}`,
    );
    for (const finding of findings)
      console.log(`  ✗ [${finding.rule}] ${finding.object}: ${finding.message}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `\n${total ? `${total} finding(s)` : 'Every cluster comes up'}: ${clusters.length} clusters, ${FIRST_SYNC_RULES.length} rules, ${seconds} s`,
  );
  return total ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`first-sync: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
