// Keeps twice as many workers as there are cores busy until killed, to run tests on a loaded machine:
//   node scripts/cpu-load.mjs & npx vitest run ...; kill %1
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const count = 2 * availableParallelism();
for (let i = 0; i < count; i++) new Worker('for (;;) {}', { eval: true });
console.log(`cpu-load: ${count} busy workers (pid ${process.pid}); kill to stop`);
