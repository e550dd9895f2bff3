// Baseline for the check benchmark: the plain way to read JSONL in Node, a readline loop with JSON.parse and an
// object test per line. Usage: node bench/readline-baseline.mjs FILE
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

let lines = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity })) {
  const value = JSON.parse(line);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`line ${lines + 1}`);
  lines += 1;
}
console.log(lines);
