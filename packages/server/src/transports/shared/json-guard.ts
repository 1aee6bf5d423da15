import { jsonShapeProblem, ParleyError } from '@parley/protocol';
import type { Limits } from '../../config.js';

/**
 * The one structural check every JSON a client sends passes, on REST and the WebSocket alike,
 * before it is validated, stored or echoed (see `jsonShapeProblem` for why).
 */
export function requireJsonShape(value: unknown, limits: Pick<Limits, 'jsonMaxDepth' | 'jsonMaxNodes'>): void {
  const problem = jsonShapeProblem(value, { maxDepth: limits.jsonMaxDepth, maxNodes: limits.jsonMaxNodes });
  if (!problem) return;
  if (problem.kind === 'key') throw new ParleyError('request.invalid', problem.message);
  throw new ParleyError('request.too_complex', problem.message, {
    maxDepth: limits.jsonMaxDepth,
    maxNodes: limits.jsonMaxNodes,
  });
}
