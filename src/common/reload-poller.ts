import type { Logger } from '@nestjs/common';

export interface ReloadPollerOptions {
  /** what is reloaded, for the log line: "Could not refresh <what>: …" */
  what: string;
  intervalMs: number;
  /** reads whether the settings changed in the database and reloads them if so */
  check: () => Promise<void>;
  logger: Pick<Logger, 'warn'>;
}

/**
 * Runs a check every `intervalMs` until stopped, so settings edited on another
 * instance reach this one. The timer never keeps the process alive; a failed
 * check is logged and tried again at the next tick; a tick is skipped while the
 * previous check still runs. The owner starts it once loaded and stops it on shutdown.
 */
export class ReloadPoller {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: ReloadPollerOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.options.check();
    } catch (error) {
      this.options.logger.warn(`Could not refresh ${this.options.what}: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
