/**
 * `npm run bench`: the store benchmark, then the explain benchmark with this script's arguments
 * (`npm run bench -- --size 256M`), then explain's memory on a million distinct denials, each
 * run whatever the others' outcome. Exits with the worse
 * status: 2 a benchmark could not run, 1 a target missed, 0 every target met.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const store = spawnSync(process.execPath, [join(here, 'store-throughput.js')], { stdio: 'inherit' });
console.log('');
const explain = spawnSync(process.execPath, [join(here, 'explain-throughput.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
console.log('');
const distinct = spawnSync(process.execPath, [join(here, 'distinct-denials-memory.js')], { stdio: 'inherit' });
process.exitCode = Math.max(store.status ?? 2, explain.status ?? 2, distinct.status ?? 2);
