import { escapeHtml } from '../common/content/status-text';

export interface AuthorizeRequest {
  client_id: string;
  redirect_uri: string;
  scope: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
}

/**
 * The server-rendered sign-in and consent page of `/oauth/authorize`. Every value is escaped;
 * the request's parameters travel as hidden fields so the POST re-validates all of them.
 */
export function renderAuthorizePage(input: {
  appName: string;
  request: AuthorizeRequest;
  scopes: string[];
  error?: string;
}): string {
  const hidden = Object.entries(input.request)
    .filter(([, value]) => value !== undefined)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(String(value))}">`,
    )
    .join('\n      ');
  const scopes = input.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('');
  const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Authorize ${escapeHtml(input.appName)} · FediFlow</title>
  <style>
    body { font: 16px/1.5 system-ui, sans-serif; max-width: 26rem; margin: 3rem auto; padding: 0 1rem; color: #1b1b1f; }
    label { display: block; margin-top: .75rem; font-weight: 600; }
    input[type=email], input[type=password] { width: 100%; padding: .5rem; font-size: 1rem; box-sizing: border-box; }
    .actions { display: flex; gap: .5rem; margin-top: 1.25rem; }
    button { padding: .6rem 1rem; font-size: 1rem; cursor: pointer; }
    .error { color: #b3261e; font-weight: 600; }
  </style>
</head>
<body>
  <main>
    <h1>Authorize ${escapeHtml(input.appName)}</h1>
    <p><strong>${escapeHtml(input.appName)}</strong> asks for access to your FediFlow account:</p>
    <ul>${scopes}</ul>
    ${error}
    <form method="post" action="/oauth/authorize">
      ${hidden}
      <label for="email">E-mail</label>
      <input id="email" name="email" type="email" autocomplete="username" required>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <div class="actions">
        <button type="submit" name="decision" value="approve">Sign in and authorize</button>
        <button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
      </div>
    </form>
  </main>
</body>
</html>`;
}

export function renderMessagePage(title: string, message: string, code?: string): string {
  const codeBlock = code
    ? `<p>Copy this code into the application:</p><pre><code>${escapeHtml(code)}</code></pre>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · FediFlow</title></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 30rem; margin: 3rem auto"><h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>${codeBlock}</body></html>`;
}
