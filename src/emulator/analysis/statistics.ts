import type { DescriptiveStatistics } from '../../generated/speechkit/stt/v3/DescriptiveStatistics.js';

/**
 * Descriptive statistics as the emulator reports them: population standard deviation, and
 * quantiles by linear interpolation between the sorted values (at level q, the value at position
 * q·(n−1)). No values: all zeros.
 */
export function describe(values: readonly number[], levels: readonly number[]): DescriptiveStatistics {
  if (values.length === 0) return { min: 0, max: 0, mean: 0, std: 0, quantiles: levels.map((level) => ({ level, value: 0 })) };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  const variance = sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / sorted.length;
  return {
    min: sorted[0]!,
    max: sorted.at(-1)!,
    mean,
    std: Math.sqrt(variance),
    quantiles: levels.map((level) => ({ level, value: quantile(sorted, level) })),
  };
}

function quantile(sorted: readonly number[], level: number): number {
  const at = level * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}
