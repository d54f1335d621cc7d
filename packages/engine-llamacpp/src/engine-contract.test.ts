import path from 'node:path';
import { describeEngineContract } from '@charter/testing';
import { createLlamaCppEngine } from './create-llama-cpp-engine.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../..');
const modelPath = process.env.CHARTER_TEST_MODEL ?? path.resolve(repositoryRoot, '../shared/models/stories260K.gguf');

// The shared engine contract, against llama.cpp with a real GGUF (the tiny TinyStories model). One thread:
// test files run in parallel on a 2-core machine.
describeEngineContract(
  'llama.cpp with stories260K',
  async () => {
    const engine = await createLlamaCppEngine({ id: 'contract', threads: 1, models: [{ name: 'stories', modelPath, contextWindow: 1024 }] });
    return { engine, model: 'stories', close: () => engine.close() };
  },
  { prompt: 'Once upon a time there was a little girl who', abortMaxTokens: 512 },
);
