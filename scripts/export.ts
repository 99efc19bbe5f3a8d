/**
 * `npm run export -- [options]`: one poster through the app's export queue,
 * written to a file. `--help` lists the options; lib/cli/ does the work.
 */
import { parseCliArgs, UsageError, USAGE } from '@/lib/cli/args';
import { EXIT, runExport } from '@/lib/cli/run';

async function main(): Promise<number> {
  let options;
  try {
    options = parseCliArgs(process.argv.slice(2), process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return EXIT.refused;
  }
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.written;
  }
  // First Ctrl-C cancels the export on the server and exits; a second one exits at once.
  const interrupt = new AbortController();
  process.once('SIGINT', () => {
    interrupt.abort();
    process.once('SIGINT', () => process.exit(EXIT.interrupted));
  });
  return runExport(options, { err: process.stderr, signal: interrupt.signal });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`export failed unexpectedly: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
