/** The fine-tune action's entry point (bundled to dist/fine-tune/index.js). */
import { runFineTune } from './main.js';

await runFineTune();
