/**
 * A runner hides `::debug::` lines unless step debugging is on; so do the tests (in-process code that logs
 * with core.debug writes one `process.stdout.write` per command).
 */
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk: unknown, ...rest: unknown[]) => {
  if (typeof chunk === 'string' && chunk.startsWith('::debug::')) return true;
  return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
};
