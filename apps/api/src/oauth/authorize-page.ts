import { escapeHtml } from '../common/content/status-text';
import { describeScope, isWriteScope } from './scope-descriptions';

export interface AuthorizeRequest {
  client_id: string;
  redirect_uri: string;
  scope: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
}

/** What every page names: this server, and the application asking. */
export interface PageContext {
  instanceName: string;
  instanceHost: string;
  csrfToken: string;
}

export interface ApplicationSummary {
  name: string;
  website: string | null;
}

export interface SignedInMember {
  username: string;
  displayName: string;
}

export const PAGE_STYLE = `
  :root { color-scheme: light dark; --fg: #1f2328; --muted: #4d5562; --bg: #f3f4f8; --card: #fff;
          --line: #d0d4dd; --accent: #563acc; --accent-fg: #fff; --danger: #a4161a; }
  @media (prefers-color-scheme: dark) {
    :root { --fg: #eceef3; --muted: #b6bccb; --bg: #17181f; --card: #23252f; --line: #3c3f4d;
            --accent: #8c7bff; --accent-fg: #101014; --danger: #ff8a8a; }
  }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
         background: var(--bg); }
  header { padding: 1rem; text-align: center; }
  header .instance { font-weight: 700; font-size: 1.1rem; }
  header .host { color: var(--muted); font-size: .9rem; }
  main { max-width: 28rem; margin: 0 auto 3rem; padding: 1.5rem; background: var(--card);
         border: 1px solid var(--line); border-radius: 12px; }
  h1 { font-size: 1.4rem; margin: 0 0 .75rem; }
  p { margin: .5rem 0; }
  .muted { color: var(--muted); font-size: .95rem; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input[type=text], input[type=password] { width: 100%; margin-top: .25rem; padding: .6rem .7rem;
         font: inherit; color: var(--fg); background: var(--card); border: 1px solid var(--muted);
         border-radius: 8px; }
  .check { display: flex; gap: .5rem; align-items: center; font-weight: 400; }
  :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  .actions { display: flex; gap: .75rem; margin-top: 1.5rem; flex-wrap: wrap; }
  button { font: inherit; font-weight: 600; padding: .65rem 1.2rem; border-radius: 8px; cursor: pointer;
           border: 2px solid var(--accent); background: var(--accent); color: var(--accent-fg); }
  button.secondary { background: transparent; color: var(--fg); border-color: var(--muted); }
  button.link { background: none; border: none; padding: 0; color: var(--accent); text-decoration: underline; }
  ul.scopes { padding: 0; list-style: none; margin: .75rem 0; }
  ul.scopes li { padding: .5rem .75rem; border: 1px solid var(--line); border-radius: 8px; margin: .4rem 0; }
  ul.scopes code { color: var(--muted); font-size: .85rem; }
  .tag { display: inline-block; font-size: .75rem; font-weight: 700; padding: 0 .4rem; border-radius: 4px;
         border: 1px solid var(--danger); color: var(--danger); margin-left: .35rem; }
  .account { display: flex; justify-content: space-between; align-items: center; gap: .5rem;
             padding: .75rem; border: 1px solid var(--line); border-radius: 8px; margin: 1rem 0; }
  .redirect { word-break: break-all; font-family: ui-monospace, monospace; font-size: .9rem; }
  .error { color: var(--danger); font-weight: 600; }
  pre { white-space: pre-wrap; word-break: break-all; padding: .75rem; border: 1px solid var(--line);
        border-radius: 8px; }
  a { color: var(--accent); }
`;

function layout(
  context: Pick<PageContext, 'instanceName' | 'instanceHost'>,
  title: string,
  body: string,
) {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="same-origin">
  <title>${escapeHtml(title)} · ${escapeHtml(context.instanceName)}</title>
  <style>${PAGE_STYLE}</style>
</head>
<body>
  <header>
    <div class="instance">${escapeHtml(context.instanceName)}</div>
    <div class="host">${escapeHtml(context.instanceHost)}</div>
  </header>
  <main>
${body}
  </main>
</body>
</html>`;
}

/** The authorization request travels in hidden fields, so every POST re-validates all of it. */
function hiddenFields(request: AuthorizeRequest, csrfToken: string): string {
  return [...Object.entries(request), ['authenticity_token', csrfToken]]
    .filter(([, value]) => value !== undefined)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(String(name))}" value="${escapeHtml(String(value))}">`,
    )
    .join('\n      ');
}

function applicationLine(application: ApplicationSummary): string {
  const name = `<strong>${escapeHtml(application.name)}</strong>`;
  if (!application.website || !/^https?:\/\//i.test(application.website)) return name;
  const website = escapeHtml(application.website);
  return `${name} (<a href="${website}" rel="noopener noreferrer">${website}</a>)`;
}

function errorLine(error: string | undefined): string {
  return error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

/** Step 1: sign in with a username or e-mail address, to continue to the consent screen. */
export function renderSignInPage(input: {
  context: PageContext;
  application: ApplicationSummary;
  request: AuthorizeRequest;
  login?: string;
  error?: string;
}): string {
  const { context, application } = input;
  return layout(
    context,
    'Sign in',
    `    <h1>Sign in to ${escapeHtml(context.instanceName)}</h1>
    <p class="muted">${applicationLine(application)} wants to use your account. Sign in first; you will then see what it asks for.</p>
    ${errorLine(input.error)}
    <form method="post" action="/oauth/sign_in">
      ${hiddenFields(input.request, context.csrfToken)}
      <label for="login">Username or e-mail address</label>
      <input id="login" name="login" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(input.login ?? '')}">
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <label class="check"><input type="checkbox" name="remember" value="1"> Keep me signed in on this device</label>
      <div class="actions">
        <button type="submit">Sign in</button>
      </div>
    </form>`,
  );
}

/** Step 2: a signed-in member decides, seeing who asks, for what, and where they will be sent. */
export function renderConsentPage(input: {
  context: PageContext;
  application: ApplicationSummary;
  request: AuthorizeRequest;
  scopes: string[];
  member: SignedInMember;
}): string {
  const { context, application, member } = input;
  const scopes = input.scopes
    .map(
      (scope) =>
        `<li>${escapeHtml(describeScope(scope))}${isWriteScope(scope) ? '<span class="tag">can change</span>' : ''} <code>${escapeHtml(scope)}</code></li>`,
    )
    .join('\n        ');
  const destination =
    input.request.redirect_uri === 'urn:ietf:wg:oauth:2.0:oob'
      ? 'You will be shown a code to copy into the application.'
      : `You will then be sent to <span class="redirect">${escapeHtml(input.request.redirect_uri)}</span>`;
  const hidden = hiddenFields(input.request, context.csrfToken);
  return layout(
    context,
    `Authorize ${application.name}`,
    `    <h1>Authorize ${escapeHtml(application.name)}</h1>
    <div class="account">
      <span>Signed in as <strong>${escapeHtml(member.displayName || member.username)}</strong> <span class="muted">@${escapeHtml(member.username)}@${escapeHtml(context.instanceHost)}</span></span>
      <form method="post" action="/oauth/sign_out">
        ${hidden}
        <button type="submit" class="link">Not you? Switch account</button>
      </form>
    </div>
    <p>${applicationLine(application)} asks to:</p>
    <ul class="scopes">
        ${scopes}
    </ul>
    <p class="muted">${destination}</p>
    <form method="post" action="/oauth/authorize">
      ${hidden}
      <div class="actions">
        <button type="submit" name="decision" value="approve">Authorize</button>
        <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
      </div>
    </form>`,
  );
}

export function renderMessagePage(
  context: Pick<PageContext, 'instanceName' | 'instanceHost'>,
  title: string,
  message: string,
  code?: string,
): string {
  const codeBlock = code
    ? `<p>Copy this code into the application:</p>\n    <pre><code>${escapeHtml(code)}</code></pre>`
    : '';
  return layout(
    context,
    title,
    `    <h1>${escapeHtml(title)}</h1>
    <p>${escapeHtml(message)}</p>
    ${codeBlock}`,
  );
}
