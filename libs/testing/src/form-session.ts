/**
 * A browser without a browser, for tests of server-rendered forms: keeps cookies, reads a page's
 * forms and submits them with their hidden fields, as a person clicking through would.
 */
export interface PageResponse {
  status: number;
  headers: Headers;
  body: string;
}

export class FormSession {
  private readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async request(
    method: string,
    path: string,
    form?: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<PageResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(new URL(path, this.base), {
      method,
      redirect: 'manual',
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', ...value] = pair.split('=');
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
    return { status: response.status, headers: response.headers, body: await response.text() };
  }

  get(path: string): Promise<PageResponse> {
    return this.request('GET', path);
  }

  /** Submits the form of `page` whose action is `action`, with its hidden fields plus `fields`. */
  submit(page: PageResponse, action: string, fields: Record<string, string> = {}) {
    return this.request('POST', action, { ...hiddenFields(page.body, action), ...fields });
  }
}

/** The hidden inputs of the (first) form posting to `action`. */
export function hiddenFields(html: string, action: string): Record<string, string> {
  const form = new RegExp(`<form[^>]*action="${action}"[^>]*>([\\s\\S]*?)</form>`).exec(html);
  if (!form) throw new Error(`no form posting to ${action} in:\n${html}`);
  const fields: Record<string, string> = {};
  const inputs = (form[1] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g);
  for (const [, name = '', value = ''] of inputs) fields[name] = unescapeHtml(value);
  return fields;
}

function unescapeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * The whole authorization-code sign-in as a person does it: the authorize page, sign in, the
 * consent screen, approve. Resolves with the final response (the redirect carrying the code).
 */
export async function signInAndAuthorize(
  base: string,
  authorizeQuery: string,
  credentials: { login: string; password: string },
): Promise<PageResponse> {
  const session = new FormSession(base);
  const signIn = await session.get(`/oauth/authorize?${authorizeQuery}`);
  if (signIn.status !== 200) throw new Error(`authorize page: ${signIn.status} ${signIn.body}`);
  const signedIn = await session.submit(signIn, '/oauth/sign_in', credentials);
  const consentLocation = signedIn.headers.get('location');
  if (signedIn.status !== 303 || !consentLocation) {
    throw new Error(`sign-in failed: ${signedIn.status} ${signedIn.body}`);
  }
  const consent = await session.get(consentLocation);
  return session.submit(consent, '/oauth/authorize', { decision: 'approve' });
}
