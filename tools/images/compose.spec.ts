import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const workspaceRoot = join(import.meta.dirname, '../..');
const composeFile = join(workspaceRoot, 'docker-compose.yml');
const composeText = readFileSync(composeFile, 'utf8');

interface ComposeService {
  image?: string;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

const hasBinary = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
if (!hasBinary) {
  console.log(
    '[tools] docker-compose is not installed: skipping `docker-compose config -q` ' +
      '(apt-get install -y --no-install-recommends docker-compose)',
  );
}
const scratch = mkdtempSync(join(tmpdir(), 'fediflow-compose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `docker-compose config -q` of `text`, written next to the real file so relative paths hold. */
function composeConfig(text: string) {
  const file = join(scratch, `${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, text);
  return spawnSync(
    'docker-compose',
    ['--project-directory', workspaceRoot, '-f', file, 'config', '-q'],
    { encoding: 'utf8' },
  );
}

describe('docker-compose.yml', () => {
  it.skipIf(!hasBinary)('is valid for docker-compose', () => {
    const result = spawnSync('docker-compose', ['-f', composeFile, 'config', '-q'], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!hasBinary)('validation catches a broken file', () => {
    const broken = composeText.replace("    ports: ['8080:8080']", "    portz: ['8080:8080']");
    expect(broken).not.toBe(composeText);
    const result = composeConfig(broken);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/portz/);
  });

  it('runs the data stores, mail, tracing, metrics, the services, the gateway and a migration', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'postgres',
        'redis',
        'mailpit',
        'otel-collector',
        'jaeger',
        'prometheus',
        'grafana',
        'migrate',
        'api',
        'federation',
        'workers',
        'gateway',
      ]),
    );
  });

  it('runs each service in watch mode with its own inspector port', () => {
    const inspectors = ['api', 'federation', 'workers'].map((name) => {
      const service = services[name];
      expect(service?.command).toEqual(
        expect.arrayContaining(['--watch', `dist/apps/${name}/main.js`]),
      );
      return service?.ports?.find((port) => port.endsWith(':9229'));
    });
    expect(inspectors).toEqual(['9229:9229', '9230:9229', '9231:9229']);
  });

  it('uses Node 24 for every Node container, like the repository pin', () => {
    for (const name of ['deps', 'builder', 'migrate', 'api', 'federation', 'workers', 'gateway']) {
      expect(services[name]?.image, name).toMatch(/^node:24\.\d+\.\d+-/);
    }
  });

  it('keeps a seed hook after the migration', () => {
    expect(services['migrate']?.command?.join(' ')).toMatch(/migrate\.js && .*seed\.js/);
    expect(composeText).toContain('SEED HOOK');
  });

  it('points the gateway at api and federation and workers at mailpit', () => {
    expect(services['gateway']?.environment).toMatchObject({
      GATEWAY_API_URL: 'http://api:3000',
      GATEWAY_FEDERATION_URL: 'http://federation:3000',
    });
    expect(services['workers']?.environment?.['SMTP_URL']).toBe('smtp://mailpit:1025');
    expect(services['api']?.environment?.['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe(
      'http://otel-collector:4318',
    );
  });
});

describe('compose support files', () => {
  it('Prometheus scrapes every service on its metrics port', () => {
    const prometheus = parse(
      readFileSync(join(workspaceRoot, 'docker/prometheus/prometheus.yml'), 'utf8'),
    ) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    const targets = Object.fromEntries(
      prometheus.scrape_configs.map((job) => [job.job_name, job.static_configs[0]?.targets]),
    );
    for (const name of ['api', 'federation', 'workers']) {
      expect(targets[name]).toEqual([`${name}:${services[name]?.environment?.['METRICS_PORT']}`]);
    }
  });

  it('the OTel collector sends traces to Jaeger', () => {
    const config = parse(
      readFileSync(join(workspaceRoot, 'docker/otel-collector/config.yaml'), 'utf8'),
    ) as {
      exporters: Record<string, { endpoint?: string }>;
      service: { pipelines: { traces: { receivers: string[]; exporters: string[] } } };
    };
    expect(config.service.pipelines.traces.receivers).toContain('otlp');
    const exporter = config.service.pipelines.traces.exporters.find((name) =>
      config.exporters[name]?.endpoint?.startsWith('jaeger:'),
    );
    expect(exporter).toBeDefined();
  });

  it('Grafana provisions the Prometheus data source its FediFlow dashboard queries', () => {
    const datasources = parse(
      readFileSync(
        join(workspaceRoot, 'docker/grafana/provisioning/datasources/datasources.yaml'),
        'utf8',
      ),
    ) as { datasources: { uid: string; type: string; url: string }[] };
    const dashboard = JSON.parse(
      readFileSync(join(workspaceRoot, 'docker/grafana/dashboards/fediflow.json'), 'utf8'),
    ) as { panels: { datasource: { uid: string }; targets: { expr: string }[] }[] };
    const uids = new Set(datasources.datasources.map((source) => source.uid));
    expect(dashboard.panels.length).toBeGreaterThan(0);
    for (const panel of dashboard.panels) {
      expect(uids).toContain(panel.datasource.uid);
      expect(panel.targets[0]?.expr).toBeTruthy();
    }
    const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
    expect(exprs.join('\n')).toContain('http_server_requests_seconds');
  });
});
