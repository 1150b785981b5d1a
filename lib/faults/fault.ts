// What a named fault is: hooks the proxy calls for every packet in either direction and for closes.
// A hook returns nothing to forward the packet unchanged, 'drop' to swallow it, or replacement
// packets/bytes to forward instead. Faults are small and deterministic; each names the statement it
// breaks and the keys of the tests that must catch it (the mutation self-test checks that they do).
import type { Packet } from 'mqtt-packet';
import type { Frame } from '../mqtt/frames.ts';

export type Verdict = void | 'drop' | Buffer | Packet | (Buffer | Packet)[];

export interface ProxyConnection {
  readonly id: number;
  /** 4 (3.1.1) until a CONNECT says otherwise. */
  protocolVersion: number;
  clientId?: string;
  keepaliveSec?: number;
  /** The client sent DISCONNECT. */
  sawDisconnect: boolean;
  /** Per-connection scratch space for the fault. */
  readonly state: Map<string, unknown>;
  toClient(data: Buffer | Packet): void;
  toServer(data: Buffer | Packet): void;
  closeClient(): void;
  closeServer(): void;
  /** Half-closes the broker side after flushing what was written (a graceful TCP FIN). */
  endServer(): void;
  /** Half-closes the client side after flushing what was written (a graceful TCP FIN). */
  endClient(): void;
  /** Every open connection of the proxy (faults that act across clients). */
  readonly all: () => ProxyConnection[];
}

export interface Fault {
  name: string;
  description: string;
  /** The one normative statement (MQTT-x.y.z-n) this fault breaks. */
  statement: string;
  /**
   * Stable keys (docs/test-keys.md) of the tests that must catch it: each must end `failed` with
   * failureKind `assertion` under the fault, and `passed` without it (test/mutation-*.test.ts).
   */
  catchers: string[];
  /** The protocol version whose tests catch it (absent: 3.1.1); v5 faults act on v5 connections only. */
  protocol?: '5';
  fromClient?(frame: Frame, c: ProxyConnection): Verdict;
  fromServer?(frame: Frame, c: ProxyConnection): Verdict;
  /** Client side closed. Return true when the fault handled the upstream side itself. */
  clientClosed?(c: ProxyConnection): boolean | void;
  /** Broker side closed. Return true when the fault handled the client side itself. */
  serverClosed?(c: ProxyConnection): boolean | void;
  /** Called when both sides are gone: clear timers. */
  dispose?(c: ProxyConnection): void;
}
