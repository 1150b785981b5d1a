// Every target the harness knows. Adding a broker = one descriptor file + one line here.
import { aedesTarget } from './aedes-target.ts';
import { mosquittoTarget } from './mosquitto-target.ts';
import { rabbitmqTarget } from './rabbitmq-target.ts';
import { ejabberdTarget } from './ejabberd-target.ts';
import type { TargetDescriptor } from './target.ts';

export const TARGETS: readonly TargetDescriptor[] = [aedesTarget, mosquittoTarget, rabbitmqTarget, ejabberdTarget];

export const DEFAULT_TARGET = 'aedes';

export function findTarget(name: string): TargetDescriptor | undefined {
  return TARGETS.find((t) => t.name === name);
}
