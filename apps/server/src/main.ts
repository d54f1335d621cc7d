import { buildApp, type BuildAppOptions, type CharterApp } from './app.js';
import type { CharterConfig } from './config.js';

/** Start the server, listen, and shut down gracefully on SIGINT/SIGTERM (API-9). */
export async function startServer(config: CharterConfig, options: BuildAppOptions = {}): Promise<{ app: CharterApp; url: string }> {
  const app = await buildApp(config, options);
  let url: string;
  try {
    url = await app.fastify.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    // A port in use (say): release the database, threads and engines, so `charter serve` exits with the error.
    await app.close(0).catch(() => {});
    throw error;
  }
  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) {
      app.fastify.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    app.fastify.log.info({ signal, graceMs: config.server.shutdownGraceMs }, 'shutting down: finishing running requests');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.fastify.log.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return { app, url };
}
