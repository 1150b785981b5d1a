// aedes rendering of the standard test policy (filled in by the TLS/auth issue): returns the
// per-listener hooks that enforce passwords and ACLs on the auth listener.
import type { AedesListenerHooks } from './aedes-broker.ts';

export function aedesPolicyHooks(): AedesListenerHooks {
  return {};
}
