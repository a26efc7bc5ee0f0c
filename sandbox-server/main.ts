// Entry point for operators: `npm start` (through scripts/start.mjs) ends up here.
import { ConfigError, loadConfig } from './config/config.js';
import { createSlipwayServer } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const server = createSlipwayServer(config);
  const progress = (line: string) => console.log(`[slipway] ${line}`);
  try {
    const url = await server.start(progress);
    if (!server.driver.isolated) console.log('[slipway] WARNING: local driver — learners get a shell on THIS machine, not an isolated sandbox.');
    console.log(`\n  Slipway is running at ${url}\n`);
    // Printed, never logged: the link works once and gives instructor access.
    console.log(`  Instructor (one-time link): ${server.instructorLink(url)}${config.instructorPassword ? '\n  or log in at /instructor/ with the instructor password' : ''}\n`);
  } catch (err) {
    console.error(`[slipway] could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info({ signal }, 'shutting down; sandboxes stay up and are re-adopted at the next start');
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
