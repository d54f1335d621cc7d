/** Precision, recall and F1 of a binary decision. */
export interface BinaryMetrics {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Binary metrics from predicted and true labels. */
export function binaryMetrics(predicted: ArrayLike<boolean>, actual: ArrayLike<boolean>): BinaryMetrics {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  let trueNegatives = 0;
  for (let index = 0; index < actual.length; index += 1) {
    const isPredicted = predicted[index] === true;
    const isActual = actual[index] === true;
    if (isPredicted && isActual) truePositives += 1;
    else if (isPredicted) falsePositives += 1;
    else if (isActual) falseNegatives += 1;
    else trueNegatives += 1;
  }
  return metricsFromCounts(truePositives, falsePositives, falseNegatives, trueNegatives);
}

/** Precision, recall and F1 from counts; 0 where undefined. */
export function metricsFromCounts(truePositives: number, falsePositives: number, falseNegatives: number, trueNegatives = 0): BinaryMetrics {
  const precision = truePositives + falsePositives > 0 ? truePositives / (truePositives + falsePositives) : 0;
  const recall = truePositives + falseNegatives > 0 ? truePositives / (truePositives + falseNegatives) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePositives, falsePositives, falseNegatives, trueNegatives, precision, recall, f1 };
}

/**
 * Area under the precision-recall curve as average precision (the mean of the precision at each true
 * positive, ranking by score; ties are broken pessimistically by putting negatives first).
 */
export function averagePrecision(scores: ArrayLike<number>, actual: ArrayLike<boolean>): number {
  const order = Array.from({ length: scores.length }, (_, index) => index);
  order.sort((left, right) => {
    const difference = (scores[right] as number) - (scores[left] as number);
    if (difference !== 0) return difference;
    return Number(actual[left] === true) - Number(actual[right] === true);
  });
  let positives = 0;
  let seen = 0;
  let sum = 0;
  for (const index of order) {
    seen += 1;
    if (actual[index] === true) {
      positives += 1;
      sum += positives / seen;
    }
  }
  return positives > 0 ? sum / positives : 0;
}

/**
 * The decision threshold on `scores` with the best F1, placed halfway between the two scores it separates
 * so that it does not sit exactly on a training point.
 */
export function bestF1Threshold(scores: ArrayLike<number>, actual: ArrayLike<boolean>): { threshold: number; f1: number } {
  const order = Array.from({ length: scores.length }, (_, index) => index).sort(
    (left, right) => (scores[right] as number) - (scores[left] as number) || left - right,
  );
  const totalPositives = Array.from(order).filter((index) => actual[index] === true).length;
  if (totalPositives === 0 || order.length === 0) return { threshold: Number.POSITIVE_INFINITY, f1: 0 };
  let truePositives = 0;
  let predicted = 0;
  let bestF1 = -1;
  let bestThreshold = 0;
  for (let rank = 0; rank < order.length; rank += 1) {
    const index = order[rank] as number;
    predicted += 1;
    if (actual[index] === true) truePositives += 1;
    const current = scores[index] as number;
    const next = rank + 1 < order.length ? (scores[order[rank + 1] as number] as number) : Number.NEGATIVE_INFINITY;
    if (next === current) continue;
    const f1 = (2 * truePositives) / (predicted + totalPositives);
    if (f1 > bestF1) {
      bestF1 = f1;
      bestThreshold = Number.isFinite(next) ? (current + next) / 2 : current - 1;
    }
  }
  return { threshold: bestThreshold, f1: bestF1 };
}
