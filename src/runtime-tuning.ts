/**
 * V8 settings for this short-lived process.
 *
 * undici parses HTTP with llhttp compiled to WebAssembly. V8 runs it first as baseline (Liftoff) code and, once a
 * function has spent its tiering budget, recompiles it with TurboFan on a background thread. llhttp's parser is one
 * 33 KB function whose loop spends that budget within the first kilobyte of responses, so every run of the action
 * started a ~60 ms, ~22 MB TurboFan compile (seen with `node --trace-wasm-compilation-times dist/index.js`); as the
 * last responses set it off, the process then waited for it before exiting. The action parses a few hundred bytes
 * of headers per request, for which baseline code is plenty, so WebAssembly tier-up is switched off.
 *
 * Call it as late as possible, just before the first request that counts (the uploads; in check mode, the pull
 * request's comment), and not before a worker thread starts: changing a V8 flag also changes the hash that Node's
 * code cache for its built-in modules is checked against, so what Node loads afterwards compiles from scratch (run
 * before the bundle's imports, this cost ~30 ms; a worker thread started after it boots ~50 ms slower).
 */
import { setFlagsFromString } from 'node:v8';

export function disableWasmTierUp(): void {
  // Both are needed: without dynamic tiering, V8 would tier up every function eagerly instead.
  setFlagsFromString('--no-wasm-tier-up');
  setFlagsFromString('--no-wasm-dynamic-tiering');
}
