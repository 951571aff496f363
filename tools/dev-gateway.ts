/**
 * `npm run dev:gateway`: FediFlow's public origin on one port, proxying by path to api and
 * federation like the production mesh (@fediflow/routes). `npm start` and docker-compose run it.
 */
import { parseArgs } from 'node:util';
import { close, createGateway, listen } from './gateway/proxy.ts';

const USAGE = `Usage: npm run dev:gateway -- [options]

Serves one origin and routes by path (see libs/routes): ActivityPub and discovery paths to
federation, everything else to api.
  --port <n>          listen port (default $GATEWAY_PORT or 8080)
  --host <addr>       listen address (default $GATEWAY_HOST or 127.0.0.1; 0.0.0.0 in containers)
  --api <url>         api upstream (default $GATEWAY_API_URL or http://127.0.0.1:3000)
  --federation <url>  federation upstream (default $GATEWAY_FEDERATION_URL or http://127.0.0.1:3001)
  --verbose           print one line per request
  -h, --help          show this help`;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    api: { type: 'string' },
    federation: { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const env = process.env;
const upstreams = {
  api: values.api ?? env['GATEWAY_API_URL'] ?? 'http://127.0.0.1:3000',
  federation: values.federation ?? env['GATEWAY_FEDERATION_URL'] ?? 'http://127.0.0.1:3001',
};
const server = createGateway({
  upstreams,
  onRequest: values.verbose
    ? ({ method, path, route, status }) => console.log(`${status} ${method} ${path} → ${route}`)
    : undefined,
});
const host = values.host ?? env['GATEWAY_HOST'] ?? '127.0.0.1';
const port = await listen(server, Number(values.port ?? env['GATEWAY_PORT'] ?? 8080), host);
console.log(
  `FediFlow gateway on http://${host === '0.0.0.0' ? 'localhost' : host}:${port} → api ${upstreams.api}, federation ${upstreams.federation}`,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void close(server).then(() => process.exit(0)));
}
