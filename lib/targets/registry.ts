// Every target the harness knows. Adding a broker = one descriptor file + one line here.
import { aedesTarget } from './aedes-target.ts';
import { mosquittoTarget } from './mosquitto-target.ts';
import { rabbitmqTarget } from './rabbitmq-target.ts';
import { ejabberdTarget } from './ejabberd-target.ts';
import { activemqTarget } from './activemq-target.ts';
import { emqxTarget } from './emqx-target.ts';
import { hivemqTarget } from './hivemq-target.ts';
import { vernemqTarget } from './vernemq-target.ts';
import { nanomqTarget } from './nanomq-target.ts';
import type { TargetDescriptor } from '../core/broker.ts';

export const TARGETS: readonly TargetDescriptor[] = [aedesTarget, mosquittoTarget, rabbitmqTarget, ejabberdTarget, activemqTarget, emqxTarget, hivemqTarget, vernemqTarget, nanomqTarget];

export const DEFAULT_TARGET = 'aedes';

export function findTarget(name: string): TargetDescriptor | undefined {
  return TARGETS.find((t) => t.name === name);
}
