import { ApiError } from '../common/api-error';

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * A domain as a member types it (`Example.COM`, `münchen.de`, `social.example:8443`), in the form
 * accounts store it: lower-case ASCII (punycode) with the port of a server on a non-default one,
 * as Mastodon's TagManager#normalize_domain leaves it. Anything else (a path, a user, blanks) is a
 * 422 naming `domain`.
 */
export function normalizeDomain(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '') {
    throw ApiError.invalid('domain', "can't be blank");
  }
  const typed = input.trim();
  if (/[/@?#\s\\]/.test(typed)) throw ApiError.invalid('domain', 'must be a domain name');
  let url: URL;
  try {
    url = new URL(`https://${typed}`);
  } catch {
    throw ApiError.invalid('domain', 'must be a domain name');
  }
  if (!HOSTNAME.test(url.hostname)) throw ApiError.invalid('domain', 'must be a domain name');
  return url.host;
}
