// --fault: replaces the plain listener the suites see with the fault proxy in front of it.
import type { HarnessContext } from '../core/harness-context.ts';
import { UsageError } from '../core/errors.ts';
import { findFault } from './catalogue.ts';
import { startFaultProxy, type StartedFaultProxy } from './fault-proxy.ts';

export async function wrapWithFault(context: HarnessContext, faultName: string): Promise<StartedFaultProxy> {
  const fault = findFault(faultName);
  if (!fault) throw new UsageError(`--fault "${faultName}" is not a known fault`);
  const plain = context.target.listeners.plain;
  if (!plain) throw new UsageError(`--fault needs the target's plain listener; ${context.target.name} has none`);
  const proxy = await startFaultProxy({ upstreamHost: plain.host, upstreamPort: plain.port, fault });
  context.target.listeners = { ...context.target.listeners, plain: { ...plain, host: proxy.host, port: proxy.port, url: `mqtt://${proxy.host}:${proxy.port}` } };
  return proxy;
}
