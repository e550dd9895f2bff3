/** `npm run bench`: every benchmark, one after the other, each printing its own figures. */
import { benchCheck } from './check.js';
import { benchUpload } from './upload.js';

const only = process.argv[2];
if (!only || only === 'check') await benchCheck();
if (!only || only === 'upload') await benchUpload();
