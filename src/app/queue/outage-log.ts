import type { Logger } from "pino";

/**
 * Says once that a service went away and once that it came back. A Redis client retries every second or
 * so while Redis is down, and each retry reports an error: one warning and one recovery line per outage
 * say the same as thirty errors, and keep the log readable. `onChange` feeds a gauge.
 */
export class OutageLog {
  private isDown = false;
  private since = 0;

  constructor(
    private readonly log: Logger,
    private readonly what: string,
    private readonly onChange: (up: boolean) => void = () => {},
  ) {}

  get up(): boolean {
    return !this.isDown;
  }

  down(reason: string): void {
    if (this.isDown) return;
    this.isDown = true;
    this.since = Date.now();
    this.onChange(false);
    this.log.warn({ reason }, `${this.what} is unavailable; retrying until it is back`);
  }

  back(): void {
    if (!this.isDown) return;
    this.isDown = false;
    this.onChange(true);
    this.log.info({ downForMs: Date.now() - this.since }, `${this.what} is back`);
  }
}
