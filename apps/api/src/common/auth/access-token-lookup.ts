import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { digest } from '../secrets';
import type { AccessToken } from './access-token';

interface TokenRow {
  id: string;
  application_id: string;
  scopes: string;
  user_id: string | null;
  account_id: string | null;
}

/** Resolves a bearer token to who holds it; undefined when unknown or revoked. */
@Injectable()
export class AccessTokenLookup {
  constructor(private readonly db: DataSource) {}

  async lookup(bearer: string): Promise<AccessToken | undefined> {
    const [row]: TokenRow[] = await this.db.query(
      `SELECT t.id, t.application_id, t.scopes, t.user_id, u.account_id
         FROM oauth_access_tokens t LEFT JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
      [digest(bearer)],
    );
    if (!row) return undefined;
    return {
      tokenId: row.id,
      applicationId: row.application_id,
      scopes: row.scopes.split(' '),
      userId: row.user_id,
      accountId: row.account_id,
    };
  }
}
