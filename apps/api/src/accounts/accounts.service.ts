import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type ApiConfig } from '@fediflow/config';
import { DataSource } from 'typeorm';
import { ApiError, ErrorCode } from '../common/api-error';
import type { AccessToken } from '../common/auth/access-token';
import { hashPassword, randomSecret } from '../common/secrets';
import { FederationOutbox } from '@fediflow/federation';
import { OAuthService, type TokenJson } from '../oauth/oauth.service';

export interface Registration {
  username: string;
  email: string;
  password: string;
  locale?: string;
}

export interface ProfileChanges {
  display_name?: string;
  note?: string;
  locked?: boolean;
  bot?: boolean;
  discoverable?: boolean;
  /** Stored as JSON text in the `fields` jsonb column. */
  fields?: string;
  /** Media storage keys of a new avatar or header (MediaService.setProfileImage). */
  avatar_file_key?: string;
  header_file_key?: string;
}

function uniqueViolation(error: unknown): string | undefined {
  const candidate = error as { code?: string; constraint?: string };
  return candidate.code === '23505' ? candidate.constraint : undefined;
}

@Injectable()
export class AccountsService {
  constructor(
    private readonly db: DataSource,
    private readonly oauth: OAuthService,
    @Inject(APP_CONFIG) private readonly config: ApiConfig,
    private readonly outbox: FederationOutbox,
  ) {}

  /**
   * Sign-up through an app token: creates the account and its login and returns a token for the
   * new member with the app token's scopes, as Mastodon does.
   */
  async register(appToken: AccessToken, input: Registration): Promise<TokenJson> {
    if (!this.config.REGISTRATIONS_OPEN) {
      throw new ApiError(ErrorCode.RegistrationsClosed, 'Registrations are closed on this server');
    }
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.db.transaction(async (manager) => {
        const [account]: { id: string }[] = await manager.query(
          `INSERT INTO accounts (username) VALUES ($1) RETURNING id`,
          [input.username],
        );
        const [user]: { id: string }[] = await manager.query(
          `INSERT INTO users (account_id, email, password_hash, locale, unsubscribe_token)
           VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [account!.id, input.email, passwordHash, input.locale ?? 'en', randomSecret(24)],
        );
        return this.oauth.issueToken(manager, appToken.applicationId, user!.id, appToken.scopes);
      });
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === 'accounts_username_domain_key') {
        throw ApiError.invalid('username', 'is already taken', 'ERR_TAKEN');
      }
      if (constraint === 'users_email_key')
        throw ApiError.invalid('email', 'is already taken', 'ERR_TAKEN');
      throw error;
    }
  }

  async updateProfile(accountId: string, changes: ProfileChanges): Promise<void> {
    const columns = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (columns.length === 0) return;
    // Column names come from the fixed ProfileChanges keys, values are parameters.
    const assignments = columns.map(([column], index) => `${column} = $${index + 2}`).join(', ');
    await this.db.transaction(async (manager) => {
      await manager.query(`UPDATE accounts SET ${assignments}, updated_at = now() WHERE id = $1`, [
        accountId,
        ...columns.map(([, value]) => value),
      ]);
      // Followers' servers show the profile as it now is (recorded with the change: the outbox).
      await this.outbox.profileUpdated(accountId, manager);
    });
  }

  async setDigest(userId: string, enabled: boolean): Promise<void> {
    await this.db.query(
      // Opting in starts from now: the first digest does not replay old notifications.
      `UPDATE users SET digest_enabled = $2,
              digest_cursor = CASE WHEN $2 AND NOT digest_enabled
                                   THEN coalesce((SELECT max(id) FROM notifications n
                                                   WHERE n.account_id = users.account_id), 0)
                                   ELSE digest_cursor END
        WHERE id = $1`,
      [userId, enabled],
    );
  }
}
