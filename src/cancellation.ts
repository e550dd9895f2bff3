/**
 * The runner cancels a step with SIGINT, then SIGTERM, then kills it. The first signal aborts what is in flight
 * (cleanup then runs with its own short deadlines, and the outputs are still written); a second one exits at once.
 */
import type { Log } from './log.js';

export function cancelOnSignals(log: Log, what: string): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(1);
    log.warning(`Received ${signal}: cancelling; ${what}.`);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
