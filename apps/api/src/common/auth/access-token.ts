/** Who is calling, resolved from the bearer token by `AccessTokenGuard`. */
export interface AccessToken {
  readonly tokenId: string;
  readonly applicationId: string;
  readonly scopes: readonly string[];
  /** Null for app-only tokens (client_credentials grant). */
  readonly userId: string | null;
  readonly accountId: string | null;
}

/** An access token that belongs to a member (not an app-only token). */
export interface MemberToken extends AccessToken {
  readonly userId: string;
  readonly accountId: string;
}
