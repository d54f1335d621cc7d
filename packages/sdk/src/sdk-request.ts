/** How the namespaces of `CharterClient` reach the server: method, path (with query), optional JSON body. */
export type SdkRequest = <T>(method: string, path: string, body?: unknown) => Promise<T>;
