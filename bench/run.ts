/** `npm run bench`: every benchmark, one after the other, each printing its own figures. */
import { benchUpload } from './upload.js';

await benchUpload();
