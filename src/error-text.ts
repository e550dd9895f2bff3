/** The text of anything thrown: an Error's message, or the value as a string. Imports nothing. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
