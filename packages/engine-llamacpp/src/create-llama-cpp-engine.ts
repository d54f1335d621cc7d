import os from 'node:os';
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import type { LlamaCppEngineLogger, LlamaCppEngineOptions } from './engine-options.js';
import { errorMessage } from './error-message.js';
import { LlamaCppEngine } from './llama-cpp-engine.js';
import { loadModel, positiveInteger, type LoadedModel } from './loaded-model.js';

/**
 * Build a {@link LlamaCppEngine}: loads llama.cpp (CPU prebuilt binary only: it never downloads or
 * compiles), every model, and one context per model with `parallelSequences` sequences.
 */
export async function createLlamaCppEngine(options: LlamaCppEngineOptions): Promise<LlamaCppEngine> {
  if (options.models.length === 0) throw new Error('The llama.cpp engine needs at least one model.');
  const names = new Set<string>();
  for (const model of options.models) {
    if (names.has(model.name)) throw new Error(`Model name "${model.name}" is configured twice.`);
    names.add(model.name);
  }
  const logger = options.logger ?? silentLogger;
  const defaultThreads = positiveInteger(options.threads, 'threads') ?? os.availableParallelism();
  const threadsPerModel = options.models.map((model) => positiveInteger(model.threads, `threads of ${model.name}`) ?? defaultThreads);
  let llama: Llama;
  try {
    llama = await getLlama({
      gpu: false,
      build: 'never',
      skipDownload: true,
      usePrebuiltBinaries: true,
      progressLogs: false,
      // node-llama-cpp's CPU default is max(4, math cores) threads. On a 2-core machine that oversubscribes
      // the CPU: measured 0.7-1.6 tokens/s against 8-96 with 2 threads (stories260K on a shared host).
      // So the cap is what the models are given, by default the machine's cores.
      maxThreads: Math.max(...threadsPerModel),
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => forwardLlamaLog(logger, level, message),
    });
  } catch (error) {
    throw new Error(`Could not load the llama.cpp CPU binary (prebuilt @node-llama-cpp/<platform> package): ${errorMessage(error)}`, { cause: error });
  }
  const loaded: LoadedModel[] = [];
  try {
    for (const [index, modelOptions] of options.models.entries()) {
      loaded.push(await loadModel(llama, modelOptions, threadsPerModel[index]!, options, logger));
    }
  } catch (error) {
    await Promise.allSettled(loaded.map((model) => model.context.dispose()));
    await llama.dispose().catch(() => {});
    throw error;
  }
  return new LlamaCppEngine(options.id ?? 'llamacpp', llama, loaded, logger);
}

function forwardLlamaLog(logger: LlamaCppEngineLogger, level: LlamaLogLevel, message: string): void {
  const text = message.trim();
  if (text === '') return;
  if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) logger.error({ source: 'llama.cpp' }, text);
  else if (level === LlamaLogLevel.warn) logger.warn({ source: 'llama.cpp' }, text);
}

const silentLogger: LlamaCppEngineLogger = { info: () => {}, warn: () => {}, error: () => {} };
