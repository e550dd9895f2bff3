/** The logging the domain modules need, so they never import @actions/core. */
export interface Log {
  info(message: string): void;
  warning(message: string): void;
  /** Runs `body` inside a collapsible log group. */
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
  /** Prints lines gathered earlier as one group, all at once (concurrent work cannot share open groups). */
  printGroup(title: string, lines: readonly string[]): void;
}
