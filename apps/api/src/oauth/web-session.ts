import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@fediflow/redis';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { timingSafeEqual } from 'node:crypto';
import { PublicUrls } from '../common/public-urls';
import { digest, randomSecret } from '../common/secrets';

export const SESSION_COOKIE = 'fediflow_session';
export const CSRF_COOKIE = 'fediflow_csrf';
/** Only the sign-in and consent pages read the cookies; API calls never carry them. */
const COOKIE_PATH = '/oauth';
/** "Keep me signed in": the browser keeps the cookie this long; otherwise until it closes. */
export const REMEMBERED_SESSION_SECONDS = 30 * 24 * 3600;
/** A session the browser forgets on closing still ends on the server after a day. */
const BROWSER_SESSION_SECONDS = 24 * 3600;

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined; // a malformed cookie counts as none, never as a 500
    }
  }
  return undefined;
}

/**
 * Signed-in browser sessions of the OAuth pages, and the CSRF tokens of their forms. The session
 * cookie holds only a random 256-bit id; the server keeps its SHA-256 digest in Redis, so a
 * cookie cannot be forged, a stolen Redis dump yields none, and signing out ends the session
 * everywhere it was copied.
 */
@Injectable()
export class WebSessions {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PublicUrls) private readonly urls: PublicUrls,
  ) {}

  /**
   * CSRF protection of the forms (double submit): every form carries the value of an HttpOnly,
   * SameSite cookie, which a page on another site can neither read nor set.
   */
  csrfToken(request: FastifyRequest, reply: FastifyReply): string {
    const existing = readCookie(request, CSRF_COOKIE);
    if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const token = randomSecret();
    this.setCookie(request, reply, CSRF_COOKIE, token);
    return token;
  }

  /** True when the form's token matches the cookie and the request does not come from elsewhere. */
  csrfValid(request: FastifyRequest, submitted: unknown): boolean {
    const origin = request.headers.origin;
    if (
      origin &&
      origin !== this.urls.origin &&
      origin !== `${request.protocol}://${request.host}`
    ) {
      return false;
    }
    const cookie = readCookie(request, CSRF_COOKIE);
    if (!cookie || typeof submitted !== 'string' || submitted.length !== cookie.length) {
      return false;
    }
    return timingSafeEqual(Buffer.from(submitted), Buffer.from(cookie));
  }

  async userOf(request: FastifyRequest): Promise<string | undefined> {
    const id = readCookie(request, SESSION_COOKIE);
    if (!id) return undefined;
    return (await this.redis.get(this.key(id))) ?? undefined;
  }

  /** A fresh id on every sign-in, so a session id planted before it is worth nothing. */
  async start(
    request: FastifyRequest,
    reply: FastifyReply,
    userId: string,
    remember: boolean,
  ): Promise<void> {
    const previous = readCookie(request, SESSION_COOKIE);
    if (previous) await this.redis.del(this.key(previous));
    const id = randomSecret();
    const ttl = remember ? REMEMBERED_SESSION_SECONDS : BROWSER_SESSION_SECONDS;
    await this.redis.set(this.key(id), userId, 'EX', ttl);
    const maxAge = remember ? REMEMBERED_SESSION_SECONDS : undefined;
    this.setCookie(request, reply, SESSION_COOKIE, id, maxAge);
  }

  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const id = readCookie(request, SESSION_COOKIE);
    if (id) await this.redis.del(this.key(id));
    this.setCookie(request, reply, SESSION_COOKIE, '', 0);
  }

  /**
   * Cookies are Secure whenever the browser reached us over TLS: the request says so (directly or
   * through a trusted proxy), or it is addressed to the public origin and that origin is https
   * (TLS ends at the gateway, which keeps the Host header).
   */
  private secure(request: FastifyRequest): boolean {
    if (request.protocol === 'https') return true;
    return this.urls.origin.startsWith('https:') && request.host === this.urls.host;
  }

  private setCookie(
    request: FastifyRequest,
    reply: FastifyReply,
    name: string,
    value: string,
    maxAgeSeconds?: number,
  ): void {
    const attributes = [`${name}=${encodeURIComponent(value)}`, `Path=${COOKIE_PATH}`, 'HttpOnly'];
    attributes.push('SameSite=Lax');
    if (this.secure(request)) attributes.push('Secure');
    if (maxAgeSeconds !== undefined) attributes.push(`Max-Age=${maxAgeSeconds}`);
    const previous = reply.getHeader('set-cookie');
    const cookies = Array.isArray(previous) ? previous : previous ? [String(previous)] : [];
    void reply.header('set-cookie', [...cookies, attributes.join('; ')]);
  }

  private key(id: string): string {
    return `web-session:${digest(id)}`;
  }
}
