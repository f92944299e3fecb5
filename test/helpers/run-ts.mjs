// `node --import ./test/helpers/run-ts.mjs child.ts`: a child process of a test runs the sources
// directly (see ts-hooks.mjs), so what it tests is the code in the tree, not a stale dist/.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
