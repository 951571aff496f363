import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ApiError, ErrorCode } from '../api-error';
import { digest } from '../secrets';
import type { AccessToken } from './access-token';
import {
  AUTH_REQUIREMENT,
  type AuthenticatedRequest,
  type AuthRequirement,
} from './auth.decorators';
import { grants } from './scopes';

interface TokenRow {
  id: string;
  application_id: string;
  scopes: string;
  user_id: string | null;
  account_id: string | null;
}

/**
 * Resolves `Authorization: Bearer …` to a token and enforces the endpoint's `@Auth` requirement:
 * 401 for a missing or invalid token, 403 when its scopes do not cover the endpoint.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly db: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement = this.reflector.getAllAndOverride<AuthRequirement | undefined>(
      AUTH_REQUIREMENT,
      [context.getHandler(), context.getClass()],
    );
    if (!requirement) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer) {
      if (requirement.require === 'optional') return true;
      throw new ApiError(ErrorCode.Unauthorized, 'The access token is invalid');
    }
    const token = await this.lookup(bearer);
    if (!token) throw new ApiError(ErrorCode.Unauthorized, 'The access token is invalid');
    if (requirement.require === 'member' && !token.userId) {
      throw new ApiError(ErrorCode.Unauthorized, 'This method requires an authenticated user');
    }
    if (requirement.scope && !grants(token.scopes, requirement.scope)) {
      throw new ApiError(ErrorCode.ScopeMissing, 'This action is outside the authorized scopes');
    }
    request.accessToken = token;
    return true;
  }

  private async lookup(bearer: string): Promise<AccessToken | undefined> {
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
