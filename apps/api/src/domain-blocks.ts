import { runDomainBlocksCli } from './admin/domain-blocks-cli';

/**
 * `node dist/apps/api/domain-blocks.js list | add <domain> [--reason "…"] | remove <domain>`
 * (`npm run domain-blocks -- …`; in the api image: `node domain-blocks.js …`).
 */
void runDomainBlocksCli(process.argv.slice(2), {
  // eslint-disable-next-line no-restricted-syntax -- validated by loadConfig inside, like main.ts
  env: process.env,
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`domain-blocks: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
