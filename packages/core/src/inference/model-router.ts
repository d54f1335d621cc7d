import type { ModelRoute, RouteTarget } from './model-route.js';

/** Random source in [0, 1), injectable for deterministic tests. */
export type RandomSource = () => number;

/**
 * Orders a route's targets for one request: a weighted random first pick among the targets, then the
 * rest by weight as fallbacks. Unhealthy targets go last rather than disappearing, so a route whose
 * every target reports unhealthy still gets a try instead of failing without one.
 */
export function orderTargets(route: ModelRoute, isHealthy: (target: RouteTarget) => boolean, random: RandomSource): RouteTarget[] {
  const { targets } = route;
  if (targets.length === 1) return targets;
  const healthy = targets.filter(isHealthy);
  const unhealthy = targets.filter((target) => !isHealthy(target));
  const ordered = pickWeightedFirst(healthy, random);
  return ordered.concat(unhealthy);
}

function pickWeightedFirst(targets: RouteTarget[], random: RandomSource): RouteTarget[] {
  if (targets.length <= 1) return targets;
  const total = targets.reduce((sum, target) => sum + target.weight, 0);
  let point = random() * total;
  let firstIndex = targets.length - 1;
  for (let index = 0; index < targets.length; index++) {
    point -= targets[index]!.weight;
    if (point < 0) {
      firstIndex = index;
      break;
    }
  }
  const rest = targets.filter((_, index) => index !== firstIndex).sort((a, b) => b.weight - a.weight);
  return [targets[firstIndex]!, ...rest];
}
