#!/usr/bin/env node
// `mqtt-harness` (package.json "bin"): runs lib/cli/main.ts under tsx, exactly as `npm test` and the
// self-tests do (`node --import tsx lib/cli/main.ts`), so there is no build step. Plain JavaScript:
// this file runs before any TypeScript loader exists.
//
// Signals: the harness cleans up on the first SIGINT/SIGTERM/SIGHUP and exits at once on a second
// one (lib/run/cleanup.ts). A Ctrl-C in a terminal goes to the whole foreground process group, and
// npm/npx forward it again, so a child in our group would see it twice and skip its cleanup. The
// child therefore runs in its own process group (detached) and gets each signal once, from us; a
// repeat within a second is the same keystroke arriving by another path and is not forwarded.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../lib/cli/main.ts', import.meta.url));
// Resolved from this package, not from the caller's working directory, so the bin works from anywhere.
const tsx = import.meta.resolve('tsx');

const child = spawn(process.execPath, ['--import', tsx, main, ...process.argv.slice(2)], {
  stdio: 'inherit',
  detached: true,
});

const REPEAT_WINDOW_MS = 1000;
let lastForwardedAt = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    const now = Date.now();
    if (now - lastForwardedAt < REPEAT_WINDOW_MS) return;
    lastForwardedAt = now;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

child.on('error', (e) => {
  process.stderr.write(`error: cannot start ${process.execPath}: ${e.message}\n`);
  process.exit(2);
});

child.on('exit', (code, signal) => {
  // A child ended by a signal is reported the way a shell does (128 + signal number).
  if (signal) process.exit(128 + (constants.signals[signal] ?? 0));
  process.exit(code ?? 1);
});
