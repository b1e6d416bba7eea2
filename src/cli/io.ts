import { ConfigError, loadConfigFile } from '../config/load';
import type { Config } from '../config/types';
/** Where a subcommand writes (process streams in main.ts, buffers in tests). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
};

/** Load and validate a config file for a CLI command; an invalid one is reported (the server's own messages). */
export function loadConfigOrReport(file: string, io: CliIo): Config | undefined {
  try {
    return loadConfigFile(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`${err.message}\n`);
      return undefined;
    }
    throw err;
  }
}
