// Entry of worker threads whose code is TypeScript. Charter runs its sources through tsx without a build
// step, and a worker thread does not inherit the main thread's loader: load the real entry through tsx.
import { workerData } from 'node:worker_threads';

const entryUrl = workerData.entryUrl;
if (entryUrl.endsWith('.ts')) {
  const { tsImport } = await import('tsx/esm/api');
  await tsImport(entryUrl, import.meta.url);
} else {
  await import(entryUrl);
}
