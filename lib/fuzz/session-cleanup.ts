// Session state the fuzzer itself asked for is not a leak. A fuzzed CONNECT may clear Clean Session
// (3.1.1) or set a Session Expiry Interval (MQTT 5): a broker that accepts it must keep that
// session after the connection closes (MQTT-3.1.2-4, MQTT-3.1.2-23), with its subscriptions and
// queued messages, for ever in 3.1.1. Thousands of such sessions grow a conforming broker's memory by
// design (RabbitMQ 3.10: ~40 kB each, one durable queue per session). So after a session whose
// CONNECT, as written, asked for a kept session and was accepted, the fuzzer connects once more with
// that Client Identifier and Clean Session / Clean Start 1 (Session Expiry 0): the broker must then
// discard the session (MQTT-3.1.2-6, MQTT-3.1.2-4) and the RSS oracle measures only what is left.
import mqttPacket, { type IConnectPacket, type Packet } from 'mqtt-packet';
import { RawClient } from '../mqtt/raw-client.ts';
import { firstPacketAsRead } from './connect-validity.ts';
import type { Session } from './session-grammar.ts';
import { sessionWrites, type Endpoint, type SessionOutcome } from './session-runner.ts';

/** The Client Identifier of an accepted CONNECT that asked the broker to keep its session, else undefined. */
export function keptSessionClientId(session: Session, outcome: SessionOutcome): string | undefined {
  const connack = outcome.frames[0]?.packet;
  if (connack?.cmd !== 'connack' || (connack.returnCode ?? connack.reasonCode ?? 0) !== 0) return undefined;
  const bytes = firstPacketAsRead(Buffer.concat(sessionWrites(session)));
  if (!bytes) return undefined;
  let connect: IConnectPacket | undefined;
  const parser = mqttPacket.parser({ protocolVersion: session.protocol === '5' ? 5 : 4 });
  parser.on('packet', (p: Packet) => { if (p.cmd === 'connect') connect ??= p; });
  parser.on('error', () => undefined);
  parser.parse(bytes);
  if (!connect || !connect.clientId) return undefined;
  const kept = session.protocol === '5' ? (connect.properties?.sessionExpiryInterval ?? 0) > 0 : !connect.clean;
  return kept ? connect.clientId : undefined;
}

/** Ends the kept session of `clientId`: CONNECT with Clean Session / Clean Start 1, then DISCONNECT. */
export async function discardSession(at: Endpoint, session: Session, clientId: string, timeoutMs: number): Promise<boolean> {
  let client: RawClient | undefined;
  try {
    client = await RawClient.open(at.host, at.port, session.protocol, timeoutMs, at.credentials);
    const connack = await client.connect({ clientId, clean: true }, timeoutMs);
    client.disconnect();
    return (connack.returnCode ?? connack.reasonCode ?? 0) === 0;
  } catch {
    return false;
  } finally {
    client?.destroy();
  }
}
