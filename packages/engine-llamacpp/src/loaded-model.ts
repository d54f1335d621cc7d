import { resolveChatWrapper, type ChatWrapper, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaEmbeddingContext, type LlamaModel } from 'node-llama-cpp';
import type { LlamaCppEngineLogger, LlamaCppEngineOptions, LlamaCppModelOptions } from './engine-options.js';
import { errorMessage } from './error-message.js';
import { SequencePool } from './sequence-pool.js';

const defaultParallelSequences = 4;
const defaultMaxQueue = 16;

/** A model with its context and the sequences requests take turns on. */
export interface LoadedModel {
  readonly options: LlamaCppModelOptions;
  readonly model: LlamaModel;
  readonly context: LlamaContext;
  readonly chatWrapper: ChatWrapper;
  readonly pool: SequencePool<LlamaContextSequence>;
  readonly contextWindow: number;
  readonly threads: number;
  embeddingContext: Promise<LlamaEmbeddingContext> | undefined;
  embeddingQueue: Promise<unknown>;
}

/** Load one model and make its context of `parallelSequences` sequences. */
export async function loadModel(
  llama: Llama,
  options: LlamaCppModelOptions,
  threads: number,
  engineOptions: LlamaCppEngineOptions,
  logger: LlamaCppEngineLogger,
): Promise<LoadedModel> {
  const parallelSequences = positiveInteger(options.parallelSequences ?? engineOptions.parallelSequences, 'parallelSequences') ?? defaultParallelSequences;
  const maxQueue = options.maxQueue ?? engineOptions.maxQueue ?? defaultMaxQueue;
  if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new Error(`maxQueue must be a non-negative integer, got ${maxQueue}.`);
  const contextWindow = positiveInteger(options.contextWindow, `contextWindow of ${options.name}`);
  const startedAt = performance.now();
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: options.modelPath });
  } catch (error) {
    throw new Error(`Could not load model "${options.name}" from ${options.modelPath}: ${errorMessage(error)}`, { cause: error });
  }
  try {
    const context = await model.createContext({
      sequences: parallelSequences,
      // Without a configured window, take the training context but let node-llama-cpp shrink it to fit RAM.
      contextSize: contextWindow ?? { max: model.trainContextSize },
      threads,
    });
    const sequences = Array.from({ length: parallelSequences }, () => context.getSequence());
    const loadedModel: LoadedModel = {
      options,
      model,
      context,
      chatWrapper: resolveChatWrapper(model),
      pool: new SequencePool(sequences, { maxQueue }),
      contextWindow: Math.min(contextWindow ?? context.contextSize, context.contextSize),
      threads,
      embeddingContext: undefined,
      embeddingQueue: Promise.resolve(),
    };
    logger.info(
      {
        model: options.name,
        contextWindow: loadedModel.contextWindow,
        parallelSequences,
        maxQueue,
        threads,
        chatWrapper: loadedModel.chatWrapper.wrapperName,
        loadMs: Math.round(performance.now() - startedAt),
      },
      'llama.cpp model loaded',
    );
    return loadedModel;
  } catch (error) {
    await model.dispose().catch(() => {});
    throw new Error(`Could not create a context for model "${options.name}": ${errorMessage(error)}`, { cause: error });
  }
}

export function positiveInteger(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}.`);
  return value;
}
