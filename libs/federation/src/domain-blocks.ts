import { affectedCount } from '@fediflow/database';
import type { DataSource } from 'typeorm';

export interface DomainBlock {
  domain: string;
  reason: string;
  createdAt: Date;
}

/** Thrown for a domain that cannot be blocked as written; the message says why. */
export class InvalidDomainError extends Error {
  override readonly name = 'InvalidDomainError';
}

/**
 * The form domains are stored and compared in: lower-case, punycoded, no port, no trailing dot.
 * Accepts a bare domain (`Spam.Example`), a host with port or a URL.
 */
export function normalizeDomain(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '') throw new InvalidDomainError('a domain is required');
  let hostname: string;
  try {
    hostname = new URL(trimmed.includes('://') ? trimmed : `https://${trimmed}`).hostname;
  } catch {
    throw new InvalidDomainError(`"${input}" is not a domain name`);
  }
  const domain = hostname.replace(/\.$/, '');
  if (domain === '' || domain.startsWith('[') || !/^[a-z0-9.-]+$/.test(domain)) {
    throw new InvalidDomainError(`"${input}" is not a domain name`);
  }
  return domain;
}

/** The domain itself and every parent (`a.b.example` → `a.b.example`, `b.example`, `example`). */
function domainAndParents(domain: string): string[] {
  const labels = domain.split('.');
  return labels.map((_, i) => labels.slice(i).join('.'));
}

/**
 * The admin domain-block list (`domain_blocks`). A block covers the domain and its subdomains.
 * Checks are answered from a copy of the list refreshed every `ttlMs`, so the inbox and delivery
 * paths cost no query per activity; an added block takes effect within that time on every node.
 */
export class DomainBlocks {
  private blocked: ReadonlySet<string> = new Set();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly ttlMs = 10_000,
  ) {}

  /** Whether `hostOrUrl` (a host, `host:port` or URL) is on or below a blocked domain. */
  async isBlocked(hostOrUrl: string | URL): Promise<boolean> {
    const host = hostOrUrl instanceof URL ? hostOrUrl.hostname : hostOrUrl;
    let domain: string;
    try {
      domain = normalizeDomain(host);
    } catch {
      return false;
    }
    await this.fresh();
    return domainAndParents(domain).some((candidate) => this.blocked.has(candidate));
  }

  async list(): Promise<DomainBlock[]> {
    const rows = (await this.db.query(
      `SELECT domain, reason, created_at FROM domain_blocks ORDER BY domain`,
    )) as { domain: string; reason: string; created_at: Date }[];
    return rows.map((row) => ({
      domain: row.domain,
      reason: row.reason,
      createdAt: row.created_at,
    }));
  }

  /** Blocks `domain` (normalised); blocking it again updates the reason. Returns the stored form. */
  async add(domain: string, reason = ''): Promise<string> {
    const normalized = normalizeDomain(domain);
    await this.db.query(
      `INSERT INTO domain_blocks (domain, reason) VALUES ($1, $2)
       ON CONFLICT (domain) DO UPDATE SET reason = EXCLUDED.reason`,
      [normalized, reason],
    );
    this.loadedAt = Number.NEGATIVE_INFINITY;
    return normalized;
  }

  /** Lifts a block; false when the domain was not blocked. */
  async remove(domain: string): Promise<boolean> {
    const result: unknown = await this.db.query(`DELETE FROM domain_blocks WHERE domain = $1`, [
      normalizeDomain(domain),
    ]);
    this.loadedAt = Number.NEGATIVE_INFINITY;
    return affectedCount(result) > 0;
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt < this.ttlMs) return;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }

  private async load(): Promise<void> {
    const rows = (await this.db.query(`SELECT domain FROM domain_blocks`)) as {
      domain: string;
    }[];
    this.blocked = new Set(rows.map((row) => row.domain));
    this.loadedAt = Date.now();
  }
}
