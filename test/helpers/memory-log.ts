import type { Log } from '../../src/log.js';

/** A Log that keeps every line, for tests and for callers that print later. */
export function memoryLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    group: async (title, body) => {
      lines.push(`group: ${title}`);
      try {
        return await body();
      } finally {
        lines.push('endgroup');
      }
    },
  };
}
