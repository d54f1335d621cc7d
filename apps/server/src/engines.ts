import os from 'node:os';
import path from 'node:path';
import type { Logger, ModelRoute, RouteTarget } from '@charter/core';
import type { InferenceEngine } from '@charter/engine-spec';
import { createOpenAiCompatibleEngine } from '@charter/engine-openai-compatible';
import type { CharterConfig } from './config.js';

/** Download progress of a model named in the configuration. */
export interface ModelDownloadProgress {
  model: string;
  source: string;
  downloadedBytes: number;
  totalBytes: number | undefined;
}

export const embeddedEngineId = 'embedded';

/**
 * Build the engines and public routes the configuration describes (API-7): the embedded llama.cpp engine
 * for GGUF models, one OpenAI-compatible engine per upstream, and routes (explicit, or one per model).
 */
export async function createEngines(
  config: CharterConfig,
  logger: Logger,
  onProgress?: (progress: ModelDownloadProgress) => void,
): Promise<{ engines: InferenceEngine[]; routes: ModelRoute[]; noModelMessage: string | undefined }> {
  const engines = new Map<string, InferenceEngine>();
  try {
    if (config.embedded.models.length > 0) {
      // Loaded only when a GGUF model is configured: node-llama-cpp's native binding is heavy.
      const { createLlamaCppEngine, resolveModelSource } = await import('@charter/engine-llamacpp');
      const cacheDir = path.join(config.dataDir, 'models');
      const models = [];
      for (const model of config.embedded.models) {
        const modelPath = await resolveModelSource(model.source, {
          cacheDir,
          onProgress: (downloadedBytes: number, totalBytes: number | undefined) => onProgress?.({ model: model.name, source: model.source, downloadedBytes, totalBytes }),
        });
        models.push({ name: model.name, modelPath, contextWindow: model.contextWindow, embeddings: model.embeddings });
      }
      engines.set(
        embeddedEngineId,
        await createLlamaCppEngine({
          id: embeddedEngineId,
          models,
          threads: config.embedded.threads ?? os.availableParallelism(),
          parallelSequences: config.embedded.parallelSequences,
          maxQueue: config.embedded.maxQueue,
          logger,
        }),
      );
    }
    for (const upstream of config.upstreams) {
      if (upstream.id === embeddedEngineId) throw new Error(`Upstream id "${embeddedEngineId}" is reserved for the embedded engine.`);
      const apiKey = upstream.apiKey ?? (upstream.apiKeyEnv ? process.env[upstream.apiKeyEnv] : undefined);
      engines.set(
        upstream.id,
        createOpenAiCompatibleEngine({
          id: upstream.id,
          baseUrl: upstream.baseUrl,
          apiKey,
          headers: upstream.headers,
          models: upstream.models.map((model) => ({
            name: model.name,
            upstreamModel: model.upstreamModel,
            contextWindow: model.contextWindow,
            capabilities: { chat: true, completion: true, embeddings: model.embeddings },
          })),
          connectTimeoutMs: upstream.connectTimeoutMs,
          firstByteTimeoutMs: upstream.firstByteTimeoutMs,
          idleTimeoutMs: upstream.idleTimeoutMs,
          maxRetries: upstream.maxRetries,
          maxConcurrent: upstream.maxConcurrent,
          tokenizer: upstream.tokenizer,
          healthCheck: upstream.healthCheck,
        }),
      );
    }
    const routes = await buildRoutes(config, engines);
    const noModelMessage =
      routes.length === 0
        ? 'No model is configured. Set CHARTER_MODEL to a GGUF file path, an hf: URI or an https URL (or configure upstreams) and restart.'
        : undefined;
    return { engines: [...engines.values()], routes, noModelMessage };
  } catch (error) {
    await Promise.all([...engines.values()].map((engine) => engine.close().catch(() => {})));
    throw error;
  }
}

async function buildRoutes(config: CharterConfig, engines: Map<string, InferenceEngine>): Promise<ModelRoute[]> {
  const createdAt = Math.floor(Date.now() / 1000);
  const windows = new Map<string, number>();
  for (const [engineId, engine] of engines) {
    for (const model of await engine.listModels()) windows.set(`${engineId}\u0000${model.name}`, model.contextWindow);
  }
  if (config.routes.length === 0) {
    return [...windows].map(([key, contextWindow]) => {
      const [engineId, name] = key.split('\u0000') as [string, string];
      return { name, contextWindow, ownedBy: engineId === embeddedEngineId ? 'charter' : engineId, createdAt, targets: [{ engine: engines.get(engineId)!, engineModel: name, weight: 1 }] };
    });
  }
  return config.routes.map((route) => {
    const targets: RouteTarget[] = route.targets.map((target) => {
      const engine = engines.get(target.engine);
      if (!engine) throw new Error(`Route "${route.model}" names engine "${target.engine}", which is not configured.`);
      const engineModel = target.model ?? route.model;
      if (!windows.has(`${target.engine}\u0000${engineModel}`)) throw new Error(`Route "${route.model}": engine "${target.engine}" has no model "${engineModel}".`);
      return { engine, engineModel, weight: target.weight };
    });
    // The route's window is what every target can hold.
    const smallest = Math.min(...route.targets.map((target) => windows.get(`${target.engine}\u0000${target.model ?? route.model}`)!));
    return { name: route.model, contextWindow: Math.min(route.contextWindow ?? smallest, smallest), ownedBy: 'charter', createdAt, targets };
  });
}
