import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundAgent, installOutboundHttp, isPublicAddress } from './outbound-http';

/** The error a rejected `fetch` carries: undici wraps the connector's in `cause`. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason as Error,
  );
  if (!error) throw new Error('expected the request to fail');
  return (error.cause as Error | undefined) ?? error;
}

describe('isPublicAddress', () => {
  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['::', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['[::1]', false],
    ['not-an-ip', false],
    ['93.184.215.14', true],
    ['8.8.8.8', true],
    ['2606:4700::1111', true],
    ['::ffff:8.8.8.8', true],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('outbound agent', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/hang') return; // never answers
      if (request.url === '/big') {
        response.end('x'.repeat(64 * 1024));
        return;
      }
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses loopback addresses and names that resolve to them in production configuration', async () => {
    const dispatcher = createOutboundAgent({ allowPrivateAddress: false });
    const byAddress = await failure(fetch(`http://127.0.0.1:${port}/`, { dispatcher }));
    expect(byAddress.name).toBe('PrivateAddressError');
    const byName = await failure(fetch(`http://localhost:${port}/`, { dispatcher }));
    expect(byName.name).toBe('PrivateAddressError');
    const metadata = await failure(fetch('http://169.254.169.254/latest/', { dispatcher }));
    expect(metadata.name).toBe('PrivateAddressError');
    await dispatcher.close();
  });

  it('guards the global fetch once installed', async () => {
    const previous = getGlobalDispatcher();
    installOutboundHttp({ allowPrivateAddress: false });
    try {
      const refused = await failure(fetch(`http://[::1]:${port}/`));
      expect(refused.message).toMatch(/not a public address/);
    } finally {
      setGlobalDispatcher(previous);
    }
  });

  it('lets tests reach loopback and still bounds time and size', async () => {
    const dispatcher = createOutboundAgent({
      allowPrivateAddress: true,
      headersTimeoutMs: 200,
      maxResponseBytes: 1024,
    });
    const ok = await fetch(`http://127.0.0.1:${port}/`, { dispatcher });
    expect(await ok.text()).toBe('ok');
    const hung = await failure(fetch(`http://127.0.0.1:${port}/hang`, { dispatcher }));
    expect(hung.name).toBe('HeadersTimeoutError');
    const big = await failure(
      fetch(`http://127.0.0.1:${port}/big`, { dispatcher }).then((response) => response.text()),
    );
    expect(big.name).toBe('ResponseExceededMaxSizeError');
    await dispatcher.close();
  });
});
