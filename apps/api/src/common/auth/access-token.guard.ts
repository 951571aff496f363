import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError, ErrorCode } from '../api-error';
import { AccessTokenLookup } from './access-token-lookup';
import {
  AUTH_REQUIREMENT,
  type AuthenticatedRequest,
  type AuthRequirement,
} from './auth.decorators';
import { grants } from './scopes';

/**
 * Resolves `Authorization: Bearer …` to a token and enforces the endpoint's `@Auth` requirement:
 * 401 for a missing or invalid token, 403 when its scopes do not cover the endpoint.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenLookup,
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
    const token = await this.tokens.lookup(bearer);
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
}
