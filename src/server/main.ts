import type { AddressInfo } from 'node:net';
import { startParley } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { readyLine } from './ready-line.js';
import { StartupError } from './startup.js';

/** Process entry point: configuration, logging, start, and a graceful stop on signals. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`parley: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  let parley: Awaited<ReturnType<typeof startParley>>;
  try {
    parley = await startParley({ config, logger });
  } catch (error) {
    if (error instanceof StartupError) {
      logger.fatal({ err: error.cause }, error.message);
      console.error(`parley: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const address = parley.app.server.address();
  if (address && typeof address === 'object') process.stdout.write(`${readyLine(address as AddressInfo)}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('graceful shutdown timed out, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    parley.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('parley: failed to start', error);
  process.exit(1);
});
