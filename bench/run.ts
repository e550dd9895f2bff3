/** `npm run bench [-- check|upload|concurrency]`: the benchmarks, each printing its own figures. */
import { benchCheck } from './check.js';
import { benchConcurrency } from './concurrency.js';
import { benchUpload } from './upload.js';

const only = process.argv[2];
if (!only || only === 'check') await benchCheck();
if (!only || only === 'upload') await benchUpload();
if (!only || only === 'concurrency') await benchConcurrency();
