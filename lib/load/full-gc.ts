// A full garbage collection on demand, for readings of memory per held connection: garbage (the
// handshakes' encoded CONNECTs and promises in a worker; the per-run certificates in the main thread)
// must not count as, or hide, what a connection keeps. --expose-gc cannot be passed to a worker and
// the CLI does not set it, so the flag is set at run time, the documented way to reach gc() then.
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | undefined;

export function fullGc(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}
