import { CHECK_CONFIG_USAGE, checkConfig } from './check-config';
import type { CliIo } from './io';
import { PROVIDERS_USAGE, providersCommand } from './providers';
import { DEMO_USAGE, SERVER_USAGE } from './server-args';

const USAGE = [
  'usage:',
  `  ${SERVER_USAGE}`,
  `  ${DEMO_USAGE}`,
  `  ${CHECK_CONFIG_USAGE}`,
  `  ${PROVIDERS_USAGE}`,
].join('\n');

/**
 * The operator subcommands, dispatched by main.ts before anything of the server starts. Resolves to the
 * exit status, or undefined when argv names no subcommand (then main.ts runs the server).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check-config':
      return checkConfig(rest, io);
    case 'providers':
      return providersCommand(rest, io);
    case 'demo':
      return undefined; // the server, on the demo cloud (main.ts)
    case 'help':
    case '--help':
    case '-h':
      io.out(`${USAGE}\n`);
      return 0;
    default:
      if (command !== undefined && !command.startsWith('-')) {
        io.err(`unknown command "${command}"\n${USAGE}\n`);
        return 2;
      }
      return undefined;
  }
}
