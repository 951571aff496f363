import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, buildConnector, setGlobalDispatcher } from 'undici';

/** Refused: the remote resolves to (or is) a private, loopback, link-local or reserved address. */
export class PrivateAddressError extends Error {
  override readonly name = 'PrivateAddressError';
  readonly code = 'EPRIVATEADDRESS';
}

/** Addresses no fediverse server lives at: private, loopback, link-local, CGNAT, reserved. */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (an IP literal) is one a remote server may have. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return false;
  if (family === 6) {
    // IPv4-mapped (::ffff:10.0.0.1) and IPv4-compatible forms name an IPv4 host.
    const mapped = /^(?:::ffff:|::)(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
    if (mapped) return isPublicAddress(mapped);
    if (/^::ffff:/i.test(bare)) return false;
    return !NON_PUBLIC.check(bare, 'ipv6');
  }
  return !NON_PUBLIC.check(bare, 'ipv4');
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** `dns.lookup` that only ever answers public addresses (checked where the socket connects). */
function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback) {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const usable = addresses.filter((entry) => isPublicAddress(entry.address));
    const [first] = usable;
    if (!first) {
      return callback(
        new PrivateAddressError(`${hostname} resolves to no public address; refusing to connect`),
        [],
      );
    }
    if (options.all) return callback(null, usable);
    return callback(null, first.address, first.family);
  });
}

export interface OutboundHttpOptions {
  /** Tests and local development only: let fetches reach private and loopback addresses. */
  allowPrivateAddress: boolean;
  connectTimeoutMs?: number;
  /** Time allowed for the response headers: a hanging remote gives up the socket after it. */
  headersTimeoutMs?: number;
  /** Time allowed between body chunks. */
  bodyTimeoutMs?: number;
  /** Largest response body accepted from a remote server. */
  maxResponseBytes?: number;
}

/** Mastodon's budget for remote requests: 5 s to connect, 10 s to answer; JSON documents ≤ 1 MiB. */
export const OUTBOUND_HTTP_DEFAULTS = {
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  maxResponseBytes: 1024 * 1024,
} as const;

/**
 * The dispatcher every outbound federation request goes through (Fedify uses the global `fetch`:
 * WebFinger, actor and object fetches, deliveries). Private addresses are refused at connect
 * time — after DNS, so a name that resolves (or re-resolves) to 10.0.0.1 is refused too, and so
 * is every redirect hop — and every request is bounded in time and size.
 */
export function createOutboundAgent(options: OutboundHttpOptions): Agent {
  const limits = { ...OUTBOUND_HTTP_DEFAULTS, ...withoutUndefined(options) };
  const connect = buildConnector({
    timeout: limits.connectTimeoutMs,
    ...(options.allowPrivateAddress ? {} : { lookup: publicOnlyLookup }),
  });
  return new Agent({
    headersTimeout: limits.headersTimeoutMs,
    bodyTimeout: limits.bodyTimeoutMs,
    maxResponseSize: limits.maxResponseBytes,
    connect: (connectOptions, callback) => {
      // IP literals skip DNS (and so the lookup above): check them here.
      const host = connectOptions.hostname;
      if (!options.allowPrivateAddress && isIP(host.replace(/^\[|\]$/g, '')) !== 0) {
        if (!isPublicAddress(host)) {
          callback(new PrivateAddressError(`${host} is not a public address; refusing`), null);
          return;
        }
      }
      connect(connectOptions, callback);
    },
  });
}

/** Makes `createOutboundAgent(options)` this process's dispatcher for the global `fetch`. */
export function installOutboundHttp(options: OutboundHttpOptions): void {
  setGlobalDispatcher(createOutboundAgent(options));
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}
