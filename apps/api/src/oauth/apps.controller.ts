import { Body, Controller, Post, HttpCode } from '@nestjs/common';
import { z } from 'zod';
import { ApiError } from '../common/api-error';
import { parseScopes } from '../common/auth/scopes';
import { parseInput } from '../common/validation';
import { OAuthService, OOB_REDIRECT_URI } from './oauth.service';

const redirectUri = z.string().refine((value) => {
  if (value === OOB_REDIRECT_URI) return true;
  try {
    const url = new URL(value);
    // Native apps use private schemes (myapp://callback); fragments are forbidden by RFC 6749.
    return (
      url.hash === '' && !['javascript:', 'data:', 'vbscript:', 'file:'].includes(url.protocol)
    );
  } catch {
    return false;
  }
}, 'must be an absolute URI without a fragment');

const appSchema = z.object({
  client_name: z.string().trim().min(1).max(200),
  redirect_uris: z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (Array.isArray(value) ? value : value.split(/\s+/)).filter((uri) => uri !== ''),
    )
    .pipe(z.array(redirectUri).min(1).max(20)),
  scopes: z.string().optional(),
  website: z
    .url()
    .max(2_000)
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

@Controller('/api/v1/apps')
export class AppsController {
  constructor(private readonly oauth: OAuthService) {}

  /** Mastodon's app registration: the client secret is shown once and stored hashed. */
  @Post()
  @HttpCode(200)
  async register(@Body() body: unknown) {
    const input = parseInput(appSchema, body);
    const scopes = parseScopes(input.scopes);
    if (!scopes) throw ApiError.invalid('scopes', 'contains an unknown scope');
    const { application, clientSecret } = await this.oauth.registerApplication({
      name: input.client_name,
      website: input.website,
      redirectUris: input.redirect_uris,
      scopes,
    });
    return {
      id: String(application.id),
      name: application.name,
      website: application.website,
      scopes,
      redirect_uri: application.redirect_uris.join('\n'),
      redirect_uris: application.redirect_uris,
      client_id: application.client_id,
      client_secret: clientSecret,
      client_secret_expires_at: 0,
    };
  }
}
