import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AccessToken } from './access-token';

export interface AuthRequirement {
  /** The scope the endpoint needs (e.g. `read:statuses`); parents (`read`) satisfy it. */
  scope?: string;
  /** `member`: a user's token; `app`: any valid token; `optional`: anonymous allowed. */
  require: 'member' | 'app' | 'optional';
}

export const AUTH_REQUIREMENT = Symbol('AUTH_REQUIREMENT');

/** Declares how an endpoint authenticates; `AccessTokenGuard` enforces it. */
export const Auth = (requirement: AuthRequirement) => SetMetadata(AUTH_REQUIREMENT, requirement);

export type AuthenticatedRequest = FastifyRequest & { accessToken?: AccessToken };

/** The resolved token (undefined for anonymous calls of `optional` endpoints). */
export const Token = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().accessToken,
);
