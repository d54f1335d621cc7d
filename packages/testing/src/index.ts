export {};
export * from './test-database.js';
export { countFakeTokens, startFakeUpstream } from './fake-upstream.js';
export type { FakeChatFixture, FakeUpstream, FakeUpstreamOptions, FakeUpstreamRequest } from './fake-upstream.js';
export { describeEngineContract } from './engine-contract-suite.js';
export type { EngineContractOptions, EngineContractSubject } from './engine-contract-suite.js';
export { freePort, startRedisServer, type RedisServerProcess } from './redis-server-process.js';
export { startSmtpSink, tokenFromEmail, type ReceivedEmail, type SmtpSink } from './smtp-sink.js';
export { buildMmdb, geoIpCityRecord, MmdbTypedNumber, parseNetwork, writeMmdb, type MmdbNetwork, type MmdbOptions, type MmdbValue } from './mmdb-writer.js';
