// Baseline for the upload benchmark: Node's global fetch PUTting a file-backed stream (duplex: 'half') with an
// explicit Content-Length, the way a hand-written client would. Usage: node bench/fetch-put.mjs URL FILE
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';

const [url, file] = process.argv.slice(2);
const size = statSync(file).size;
const res = await fetch(url, {
  method: 'PUT',
  body: Readable.toWeb(createReadStream(file)),
  duplex: 'half',
  headers: { 'content-length': String(size), 'content-type': 'application/octet-stream' },
});
await res.text();
if (res.status !== 200) {
  console.error(`PUT answered ${res.status}`);
  process.exit(1);
}
