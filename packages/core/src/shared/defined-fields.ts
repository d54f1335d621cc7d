/**
 * The fields of a partial change that are present. `{ requestsPerMinute: undefined }` from a partial body must
 * not erase a stored value when spread over it.
 */
export function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
