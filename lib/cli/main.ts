// Entry point of `npm test` / `npm run harness`. User mistakes print one line and exit 2; no stack
// traces except for bugs in the harness itself.
import { buildRunPlan, parseFlags } from './args.ts';
import { helpText } from './help.ts';
import { k8sJobCommand } from './k8s-job.ts';
import { printConfig } from './print-config.ts';
import { executeRun } from '../run/run.ts';
import { standardOutputs } from '../report/run-outputs.ts';
import { cleanupAll, installSignalHandlers } from '../run/cleanup.ts';
import { EXIT, HarnessError, UsageError } from '../core/errors.ts';

const COMMANDS = ['run', 'print-config'] as const;

async function main(argv: string[]): Promise<number> {
  // k8s-job takes its own flags besides the bench flags it hands to every pod.
  if (argv[0] === 'k8s-job') return k8sJobCommand(argv.slice(1));
  const flags = parseFlags(argv);
  if (flags.values.help) {
    process.stdout.write(helpText());
    return EXIT.ok;
  }
  let command: (typeof COMMANDS)[number] = 'run';
  const first = flags.positionals[0];
  if (process.env.HARNESS_COMMANDS === '1' || (first && (COMMANDS as readonly string[]).includes(first))) {
    if (!first || !(COMMANDS as readonly string[]).includes(first)) {
      throw new UsageError(`unknown command "${first ?? ''}"; use one of: ${COMMANDS.join(', ')} (see --help)`);
    }
    command = first as (typeof COMMANDS)[number];
    flags.positionals.shift();
  }
  const plan = buildRunPlan(flags);
  if (command === 'print-config') return printConfig(plan);
  installSignalHandlers();
  const outcome = await executeRun(plan, argv, standardOutputs);
  return outcome.exitCode;
}

// A reader that goes away (the terminal closed, a parent process died) must not crash the run
// before it has stopped its brokers: writes to a closed pipe are dropped, the run finishes and
// cleans up.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

main(process.argv.slice(2)).then(
  async (code) => {
    await cleanupAll();
    process.exit(code);
  },
  async (e: unknown) => {
    await cleanupAll();
    if (e instanceof HarnessError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    process.stderr.write(`internal error (a harness bug, please report it):\n${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(EXIT.badInputOrRig);
  },
);
