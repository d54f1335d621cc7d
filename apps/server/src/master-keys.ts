import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnvelopeContentCipher, type Logger, type MasterKey } from '@charter/core';
import type { DatabaseDialect } from '@charter/storage';
import { ConfigError, type CharterConfig, parseMasterKeyList } from './config.js';

/** Where the embedded (SQLite) default keeps the master key it generated at first start. */
export function generatedMasterKeyPath(config: CharterConfig): string {
  return path.join(config.dataDir, 'master.key');
}

/**
 * The content cipher of this node (PRV-9), from the configured master keys. Without any: on SQLite (one node,
 * data in the data directory) a key is generated once into `<data dir>/master.key`, mode 0600; on PostgreSQL the
 * start fails, because nodes sharing the database must share the key (a key per node would leave each unable to
 * read what the others sealed) and it must not live only on one node's disk.
 */
export function createContentCipher(config: CharterConfig, dialect: DatabaseDialect, logger: Logger): EnvelopeContentCipher {
  const configured = [...config.security.masterKeys.map((entry) => toMasterKey(entry, 'security.masterKeys')), ...readKeyFile(config.security.masterKeyFile, true)];
  const generatedPath = generatedMasterKeyPath(config);
  // A key generated earlier stays readable after keys are configured, so moving to configured keys loses nothing.
  const generated = readKeyFile(generatedPath, false).filter((key) => !configured.some((candidate) => candidate.id === key.id));
  if (configured.length > 0) {
    if (generated.length > 0) logger.info({ path: generatedPath }, 'the generated master key is still read to open values sealed with it');
    return new EnvelopeContentCipher({ keys: [...configured, ...generated], currentKeyId: config.security.currentMasterKeyId ?? configured[0]!.id });
  }
  if (dialect === 'postgres') {
    throw new ConfigError('security.masterKeys', [
      'PostgreSQL needs a configured master key (PRV-9): every node must seal and open secrets with the same key.',
      'Create one with `openssl rand -base64 32` and set CHARTER_MASTER_KEY=<id>:<key> (or security.masterKeys / security.masterKeyFile) on every node.',
    ]);
  }
  if (generated.length > 0) return new EnvelopeContentCipher({ keys: generated, currentKeyId: generated[0]!.id });
  const masterKey: MasterKey = { id: `local-${randomBytes(4).toString('hex')}`, key: randomBytes(32) };
  const text = [
    '# Charter master key (PRV-9): it encrypts secrets at rest. Back it up with the database: without it they',
    '# cannot be read. To run several nodes or PostgreSQL, configure it as CHARTER_MASTER_KEY=<id>:<key>.',
    `${masterKey.id}:${Buffer.from(masterKey.key).toString('base64')}`,
    '',
  ].join('\n');
  // `wx`: never overwrite a key another process wrote meanwhile.
  writeFileSync(generatedPath, text, { mode: 0o600, flag: 'wx' });
  logger.warn({ path: generatedPath, keyId: masterKey.id }, 'generated a master key for encryption at rest; back it up with the database');
  return new EnvelopeContentCipher({ keys: [masterKey], currentKeyId: masterKey.id });
}

function readKeyFile(filePath: string | undefined, isRequired: boolean): MasterKey[] {
  if (!filePath) return [];
  if (!existsSync(filePath)) {
    if (isRequired) throw new ConfigError('security.masterKeyFile', [`${filePath}: file not found`]);
    return [];
  }
  if ((statSync(filePath).mode & 0o077) !== 0) throw new ConfigError(filePath, ['the master key file must be readable by its owner only (chmod 600)']);
  const keys = parseMasterKeyList(readFileSync(filePath, 'utf8')).map((entry) => toMasterKey(entry, filePath));
  if (keys.length === 0) throw new ConfigError(filePath, ['no master key in the file (expected lines of <id>:<base64 key>)']);
  return keys;
}

function toMasterKey(entry: { id: string; key: string }, source: string): MasterKey {
  const key = Buffer.from(entry.key.trim(), 'base64');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(entry.id) || key.length !== 32) throw new ConfigError(source, [`master key "${entry.id}": use an id of letters, digits, "-", "_" and base64 of exactly 32 bytes`]);
  return { id: entry.id, key };
}
