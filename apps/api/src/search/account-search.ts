/** A local account search as SQL over `accounts a`: parameters start at `$1`. */
export interface AccountSearch {
  where: string;
  /** Sorts the best match (the exact username) first. */
  orderBy: string;
  params: unknown[];
}

/** `%`, `_` and `\` match literally in `LIKE … ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * What the accounts stored here that match `q` are: an actor or profile URL exactly; `user@host`
 * by username prefix on hosts starting with `host` (this instance's own host means local); a
 * bare word by username or display-name prefix. Undefined when `q` can match no account.
 */
export function accountSearch(q: string, ownHost: string): AccountSearch | undefined {
  const text = q.trim();
  if (/^https?:\/\//i.test(text)) {
    return { where: '(a.uri = $1 OR a.url = $1)', orderBy: 'a.uri = $1 DESC', params: [text] };
  }
  const [username = '', host, ...rest] = text.replace(/^@/, '').split('@');
  if (rest.length > 0 || !/^[\p{L}\p{N}_.-]*$/u.test(username)) return undefined;
  const prefix = `${escapeLike(username.toLowerCase())}%`;
  const orderBy = 'lower(a.username) = $2 DESC';
  if (host === undefined) {
    if (username === '') return undefined;
    return {
      where: `(lower(a.username) LIKE $1 ESCAPE '\\' OR lower(a.display_name) LIKE $1 ESCAPE '\\')`,
      orderBy,
      params: [prefix, username.toLowerCase()],
    };
  }
  const domain = host.toLowerCase();
  if (domain === ownHost.toLowerCase()) {
    return {
      where: `lower(a.username) LIKE $1 ESCAPE '\\' AND a.domain IS NULL`,
      orderBy,
      params: [prefix, username.toLowerCase()],
    };
  }
  return {
    where: `lower(a.username) LIKE $1 ESCAPE '\\' AND a.domain LIKE $3 ESCAPE '\\'`,
    orderBy,
    params: [prefix, username.toLowerCase(), `${escapeLike(domain)}%`],
  };
}
