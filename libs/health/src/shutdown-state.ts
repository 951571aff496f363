import { Injectable } from '@nestjs/common';

/** Flipped on SIGTERM so readiness fails at once and the load balancer stops sending traffic. */
@Injectable()
export class ShutdownState {
  private draining = false;

  get shuttingDown(): boolean {
    return this.draining;
  }

  begin(): void {
    this.draining = true;
  }
}
