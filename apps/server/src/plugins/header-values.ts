/** Header values without the absent ones (Node refuses undefined header values). */
export function definedHeaders(values: object): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) if (typeof value === 'string') headers[name] = value;
  return headers;
}
