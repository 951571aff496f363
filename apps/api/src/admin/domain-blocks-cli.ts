import { ConfigError, loadConfig } from '@fediflow/config';
import { createDataSource } from '@fediflow/database';
import { DomainBlocks, InvalidDomainError, normalizeDomain } from '@fediflow/federation';

export const DOMAIN_BLOCKS_USAGE = `Usage: domain-blocks <command>

  list                               the blocked domains, with their reasons
  add <domain> [--reason "<text>"]   block a domain and its subdomains (again: new reason)
  remove <domain>                    lift a block

A block refuses the domain's deliveries (403) and stops deliveries to it. Running nodes pick
changes up within 10 seconds. Needs DATABASE_URL.
`;

/** Exit codes: 0 done, 1 failed (or nothing to remove), 2 wrong usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

type Command =
  | { name: 'list' }
  | { name: 'add'; domain: string; reason: string }
  | { name: 'remove'; domain: string };

class UsageError extends Error {}

export function parseDomainBlocksArgs(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  const positional: string[] = [];
  let reason: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    if (arg === '--reason') {
      if (i + 1 >= rest.length) throw new UsageError('--reason needs a text');
      reason = rest[++i];
    } else if (arg.startsWith('--reason=')) {
      reason = arg.slice('--reason='.length);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  const expectDomain = (): string => {
    if (positional.length !== 1) throw new UsageError(`${name} takes exactly one domain`);
    return positional[0] ?? '';
  };
  switch (name) {
    case 'list':
      if (positional.length > 0 || reason !== undefined)
        throw new UsageError('list takes no arguments');
      return { name };
    case 'add':
      return { name, domain: expectDomain(), reason: reason ?? '' };
    case 'remove':
      if (reason !== undefined) throw new UsageError('remove takes no --reason');
      return { name, domain: expectDomain() };
    case undefined:
      throw new UsageError('a command is required');
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout(line: string): void;
  stderr(line: string): void;
}

/**
 * The admin CLI of the domain-block list (`node dist/apps/api/domain-blocks.js …`, in the image
 * `node domain-blocks.js …`). Prints what it did; returns the process exit code.
 */
export async function runDomainBlocksCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command: Command;
  try {
    command = parseDomainBlocksArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`domain-blocks: ${error.message}\n\n${DOMAIN_BLOCKS_USAGE}`);
    return EXIT.usage;
  }
  let databaseUrl: string;
  try {
    databaseUrl = loadConfig('migrate', io.env).DATABASE_URL;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`domain-blocks: ${error.message}`);
    return EXIT.failed;
  }
  const db = createDataSource({
    url: databaseUrl,
    applicationName: 'fediflow-domain-blocks',
    poolSize: 1,
  });
  try {
    await db.initialize();
    return await execute(command, new DomainBlocks(db), io);
  } catch (error) {
    if (error instanceof InvalidDomainError) {
      io.stderr(`domain-blocks: ${error.message}`);
      return EXIT.usage;
    }
    io.stderr(`domain-blocks: failed: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  } finally {
    if (db.isInitialized) await db.destroy();
  }
}

async function execute(command: Command, blocks: DomainBlocks, io: CliIo): Promise<number> {
  if (command.name === 'list') {
    const all = await blocks.list();
    if (all.length === 0) io.stdout('no blocked domains');
    for (const block of all) {
      const since = block.createdAt.toISOString().slice(0, 10);
      io.stdout(`${block.domain}\tsince ${since}${block.reason ? `\t${block.reason}` : ''}`);
    }
    return EXIT.ok;
  }
  if (command.name === 'add') {
    const domain = await blocks.add(command.domain, command.reason);
    const why = command.reason ? ` (reason: ${command.reason})` : '';
    io.stdout(`blocked ${domain} and its subdomains${why}`);
    return EXIT.ok;
  }
  const domain = normalizeDomain(command.domain);
  if (await blocks.remove(domain)) {
    io.stdout(`unblocked ${domain}`);
    return EXIT.ok;
  }
  io.stderr(`domain-blocks: ${domain} was not blocked; nothing changed`);
  return EXIT.failed;
}
