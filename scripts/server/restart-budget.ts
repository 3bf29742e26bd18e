// How many times a dying worker is replaced: at most `max` replacements within any `windowMs`. A worker
// that crashes now and then is replaced for ever; one that dies at once on every start (a broken build, a
// database it cannot open) stops the server instead of forking in a loop.
export class RestartBudget {
  private readonly restarts: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Records an unexpected exit at `now`; true when a replacement may be started. */
  allow(now: number): boolean {
    while (this.restarts.length > 0 && this.restarts[0] <= now - this.windowMs) this.restarts.shift();
    if (this.restarts.length >= this.max) return false;
    this.restarts.push(now);
    return true;
  }

  /** Replacements counted in the window ending at `now`. */
  used(now: number): number {
    return this.restarts.filter((t) => t > now - this.windowMs).length;
  }
}
