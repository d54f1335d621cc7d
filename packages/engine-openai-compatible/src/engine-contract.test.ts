import { describeEngineContract, startFakeUpstream } from '@charter/testing';
import { createOpenAiCompatibleEngine } from './openai-compatible-engine.js';

// The shared engine contract, against a local fake upstream replaying recorded chunks. The fake streams
// multilingual text in byte slices that cut characters, so the Unicode test exercises the SSE decoding.
describeEngineContract('openai-compatible over a fake upstream', async () => {
  const upstream = await startFakeUpstream({
    text:
      'Once upon a time a lighthouse keeper said: Hello, 你好, こんにちは, 안녕하세요, مرحبا, שלום, नमस्ते, ' +
      'สวัสดี, Привет, Γειά σου, café, 👋🏽, 👨‍👩‍👧, 🇺🇦. The end.',
    splitUtf8: true,
    chunkDelayMs: 5,
  });
  const engine = createOpenAiCompatibleEngine({
    id: 'contract',
    baseUrl: upstream.url,
    models: [{ name: 'contract-model', upstreamModel: 'fake-model', contextWindow: 4096 }],
    connectTimeoutMs: 2_000,
    firstByteTimeoutMs: 10_000,
    idleTimeoutMs: 10_000,
    tokenizer: 'upstream',
    healthCheck: { intervalMs: 1_000 },
  });
  return {
    engine,
    model: 'contract-model',
    async close() {
      await engine.close();
      await upstream.close();
    },
  };
});
