/**
 * Shutting down without dropping what was acknowledged. GitHub is answered 200 as soon as a delivery is
 * taken, before it is written to the queue (GitHub gives a delivery 10 seconds, and Redis may be away for
 * longer). So on SIGTERM the web process first stops taking deliveries (the health check and the webhook
 * endpoint answer 503, and GitHub records the delivery as failed, for the redelivery sweep to recover),
 * then waits, within a grace period, for every delivery it acknowledged to be written.
 */
export class Drain {
  private closing = false;
  private readonly inHand = new Map<string, Promise<unknown>>();

  get isClosing(): boolean {
    return this.closing;
  }

  /** Throws the 503 that Probot's webhook endpoint answers with once the process is shutting down. */
  refuseIfClosing(): void {
    if (this.closing)
      throw Object.assign(new Error("shutting down: this delivery is refused so that GitHub records it"), {
        status: 503,
      });
  }

  /** A delivery acknowledged and not yet written. */
  track(deliveryId: string, write: Promise<unknown>): void {
    const settled = write.then(
      () => {},
      () => {},
    );
    this.inHand.set(deliveryId, settled);
    void settled.finally(() => {
      if (this.inHand.get(deliveryId) === settled) this.inHand.delete(deliveryId);
    });
  }

  /**
   * Stops taking deliveries and waits up to `graceMs` for those in hand, plus `also` (the audits of a
   * process that runs them itself). Resolves with the ids of the deliveries still not written.
   */
  async finish(graceMs: number, also: Promise<unknown> = Promise.resolve()): Promise<string[]> {
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
    const written = (async () => {
      while (this.inHand.size) await Promise.all(this.inHand.values());
      await also;
    })();
    await Promise.race([written, deadline]);
    clearTimeout(timer);
    return [...this.inHand.keys()];
  }
}

/**
 * The grace period of a shutdown (`MLOPS_AUDIT_DRAIN_SECONDS`, 25 by default): under Kubernetes' default
 * of 30 s before it kills. Docker waits only 10 s by default, so the compose file gives the services 30.
 */
export function graceMsFrom(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.MLOPS_AUDIT_DRAIN_SECONDS);
  return (
    (Number.isFinite(seconds) && seconds >= 0 && env.MLOPS_AUDIT_DRAIN_SECONDS !== "" ? seconds : 25) * 1000
  );
}
