import { ApiError } from '../common/api-error';

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * A domain as a member types it (`Example.COM`, `münchen.de`), in the form accounts store it:
 * lower-case ASCII (punycode), as Mastodon's TagManager#normalize_domain leaves it. Anything that
 * is not a bare host name is a 422 naming `domain`.
 */
export function normalizeDomain(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '') {
    throw ApiError.invalid('domain', "can't be blank");
  }
  const typed = input.trim();
  if (/[/:@?#\s\\]/.test(typed)) throw ApiError.invalid('domain', 'must be a domain name');
  let hostname: string;
  try {
    hostname = new URL(`https://${typed}`).hostname;
  } catch {
    throw ApiError.invalid('domain', 'must be a domain name');
  }
  if (!HOSTNAME.test(hostname)) throw ApiError.invalid('domain', 'must be a domain name');
  return hostname;
}
