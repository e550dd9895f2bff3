/**
 * A runner hides `::debug::` lines unless step debugging is on; so do the tests. In-process tests of file matching
 * run @actions/glob, which logs its options with core.debug (one `process.stdout.write` per command).
 */
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk: unknown, ...rest: unknown[]) => {
  if (typeof chunk === 'string' && chunk.startsWith('::debug::')) return true;
  return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
};
