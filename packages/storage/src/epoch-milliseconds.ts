/** Converts a `Date` to the epoch milliseconds stored in every time column; rejects invalid dates. */
export function toEpochMilliseconds(date: Date): number {
  const epochMs = date.getTime();
  if (Number.isNaN(epochMs)) {
    throw new RangeError('Cannot store an invalid Date.');
  }
  return epochMs;
}

export function toNullableEpochMilliseconds(date: Date | null): number | null {
  return date === null ? null : toEpochMilliseconds(date);
}

export function fromEpochMilliseconds(epochMs: number): Date {
  return new Date(epochMs);
}

export function fromNullableEpochMilliseconds(epochMs: number | null): Date | null {
  return epochMs === null ? null : new Date(epochMs);
}
