// Retained-message storm, phase 1: one client stores `count` retained messages on distinct topics
// (QoS 1, bounded window, each PUBACK awaited). Phase 2 (the worker) subscribes to `<prefix>/#` and
// times how fast the broker hands all of them over ([MQTT-3.3.1-6]: retained messages are sent on
// subscription).
import mqttPacket from 'mqtt-packet';
import { LoadConnection } from './load-connection.ts';
import { PACKET } from './wire-codec.ts';
import { nowMs, writeHeader } from './message-header.ts';
import { protocolLevel } from './wire-codec.ts';

export function retainedTopic(prefix: string, i: number): string {
  return `${prefix}/r/${i}`;
}

export function publishRetained(conn: LoadConnection, o: { prefix: string; count: number; payloadBytes: number; inflight: number; publisherId: number; timeoutMs: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let acked = 0;
    const timer = setTimeout(() => reject(new Error(`retained storm: ${acked} of ${o.count} PUBACKs within ${o.timeoutMs} ms`)), o.timeoutMs);
    const fill = () => {
      const packets: Buffer[] = [];
      while (sent < o.count && sent - acked < o.inflight) {
        const payload = Buffer.alloc(o.payloadBytes);
        writeHeader(payload, 0, o.publisherId, sent, nowMs());
        packets.push(mqttPacket.generate({ cmd: 'publish', topic: retainedTopic(o.prefix, sent), payload, qos: 1, retain: true, messageId: (sent % 65_535) + 1, dup: false }, { protocolVersion: protocolLevel(conn.protocol) }));
        sent++;
      }
      if (packets.length) conn.write(Buffer.concat(packets));
    };
    conn.onFrame = (f) => {
      if (f.type !== PACKET.PUBACK) return;
      if (++acked === o.count) {
        clearTimeout(timer);
        resolve(sent);
      }
    };
    conn.onChunkEnd = fill;
    fill();
  });
}
