import type { CliIo } from '../../src/cli/io';

/** CliIo into strings, for in-process runs of the operator subcommands. */
export function bufferIo(env: NodeJS.ProcessEnv = {}): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    env,
    stdout: () => out,
    stderr: () => err,
  };
}
