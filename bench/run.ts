/**
 * `npm run bench [-- check|upload|concurrency|memory|many-files|hostile|review]`: the benchmarks, each printing its figures next to its
 * targets; at the end, which targets held. Exits 1 when any target was missed, so that nobody reads a miss as a pass.
 */
import { benchCheck } from './check.js';
import { benchConcurrency } from './concurrency.js';
import type { TargetResult } from './lib.js';
import { benchHostile } from './hostile.js';
import { benchManyFiles } from './many-files.js';
import { benchMemory } from './memory.js';
import { benchReview } from './review.js';
import { benchUpload } from './upload.js';

const only = process.argv[2];
const targets: TargetResult[] = [];
if (!only || only === 'check') targets.push(...(await benchCheck()));
if (!only || only === 'upload') targets.push(...(await benchUpload()));
if (!only || only === 'concurrency') targets.push(...(await benchConcurrency()));
if (!only || only === 'memory') targets.push(...(await benchMemory()));
if (!only || only === 'many-files') targets.push(...(await benchManyFiles()));
if (!only || only === 'hostile') targets.push(...(await benchHostile()));
if (!only || only === 'review') targets.push(...(await benchReview()));

const held = targets.filter((t) => t.held).length;
console.log(`\nTargets: ${held} of ${targets.length} held`);
for (const t of targets) console.log(`  ${t.held ? 'held  ' : 'MISSED'}  ${t.name}: ${t.figure} (target ${t.target})`);
if (held < targets.length) process.exitCode = 1;
