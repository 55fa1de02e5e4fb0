import { Injectable } from '@nestjs/common';

/** Whether the process still takes traffic: it stops the moment a shutdown begins (see enableGracefulShutdown). */
@Injectable()
export class Readiness {
  private draining = false;

  get isDraining(): boolean {
    return this.draining;
  }

  /** From now on `/health/ready` answers 503, so that load balancers send no more requests here. */
  drain(): void {
    this.draining = true;
  }
}
