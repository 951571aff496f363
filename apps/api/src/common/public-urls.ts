import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type ApiConfig } from '@fediflow/config';

/**
 * Every public URL the API hands out, built from PUBLIC_ORIGIN in one place. Actor and object
 * paths match the route table that sends `/users/…` to the federation service.
 */
@Injectable()
export class PublicUrls {
  readonly origin: string;
  readonly host: string;

  constructor(@Inject(APP_CONFIG) config: ApiConfig) {
    this.origin = new URL(config.PUBLIC_ORIGIN).origin;
    this.host = new URL(config.PUBLIC_ORIGIN).host;
  }

  actor(username: string): string {
    return `${this.origin}/users/${username}`;
  }
  profile(username: string): string {
    return `${this.origin}/@${username}`;
  }
  status(username: string, id: string): string {
    return `${this.origin}/users/${username}/statuses/${id}`;
  }
  statusPage(username: string, id: string): string {
    return `${this.origin}/@${username}/${id}`;
  }
  tag(name: string): string {
    return `${this.origin}/tags/${encodeURIComponent(name)}`;
  }
  api(path: string): string {
    return `${this.origin}${path}`;
  }
  /** What accounts without an avatar or header of their own show. */
  get missingAvatar(): string {
    return `${this.origin}/avatars/original/missing.png`;
  }
  get missingHeader(): string {
    return `${this.origin}/headers/original/missing.png`;
  }
}
