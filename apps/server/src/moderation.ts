import { CharterError, ContentModerator, GuardModelModerator, type Logger, ModerationClassifier, ModerationService, parseModerationPolicy, systemClock } from '@charter/core';
import type { InferenceEngine } from '@charter/engine-spec';
import { ensureClassifierModel } from '@charter/moderation-training/ensure-classifier-model';
import { loadClassifierModel } from '@charter/moderation-training/load-classifier-model';
import type { ViolationRepository } from '@charter/core';
import { type CharterConfig, ConfigError } from './config.js';

/**
 * The acceptable-use service from configuration: the shipped classifier artefact (or the operator's),
 * the deployment's policy, and an optional guard model behind one of the configured engines.
 */
export function createModerationService(config: CharterConfig, engines: readonly InferenceEngine[], violations: ViolationRepository, logger: Logger): ModerationService {
  let policy;
  try {
    policy = parseModerationPolicy(config.moderation.policy);
  } catch (error) {
    const detail = error instanceof CharterError ? `${error.param ?? ''}: ${error.message}` : String(error);
    throw new ConfigError('moderation.policy', [detail]);
  }
  const classifier = loadClassifier(config, logger);
  let guard: GuardModelModerator | undefined;
  if (config.moderation.guard) {
    const { engine: engineId, model } = config.moderation.guard;
    const engine = engines.find((candidate) => candidate.id === engineId);
    if (!engine) throw new ConfigError('moderation.guard', [`engine "${engineId}" is not configured`]);
    guard = new GuardModelModerator({ engine, model });
  }
  return new ModerationService({
    moderator: new ContentModerator({ classifier, policy }),
    policy,
    violations,
    clock: systemClock,
    logger,
    isEvidenceRetained: config.moderation.isEvidenceRetained,
    guard,
    outputCheckIntervalChars: config.moderation.outputCheckIntervalChars,
    outputHoldBackChars: config.moderation.outputHoldBackChars,
  });
}

/**
 * The operator's artefact, or the built one (trained once from the datasets when missing). Without either,
 * rules and detectors still run and the classifier-only categories score nothing — said loudly in the log.
 */
function loadClassifier(config: CharterConfig, logger: Logger): ModerationClassifier | null {
  if (config.moderation.classifierPath) return new ModerationClassifier(loadClassifierModel(config.moderation.classifierPath));
  if (ensureClassifierModel({ log: (message) => logger.info({}, message) }) === 'unavailable') {
    logger.error({}, 'moderation classifier missing and no datasets to train it (CHARTER_MODERATION_DATASETS): only rules and detectors run');
    return null;
  }
  return new ModerationClassifier(loadClassifierModel());
}
