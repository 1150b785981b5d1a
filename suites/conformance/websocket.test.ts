// MQTT over WebSocket (section 6 of both versions) on the target's `ws` listener: the server selects
// the "mqtt" subprotocol (MQTT-6.0.0-4), closes the connection on a data frame that is not binary
// (MQTT-6.0.0-1), and reads packets whatever the frame boundaries: one packet split over several
// frames, several packets in one frame (MQTT-6.0.0-2). A target without a ws listener makes every
// test here not-applicable with the reason the target gave. Each write of a raw client over
// WebSocket is one binary frame (lib/mqtt/listener-stream.ts), which is what the frame tests rely on.
import { describe } from 'vitest';
import type WebSocket from 'ws';
import type { ListenerInfo } from '../../lib/core/broker.ts';
import { encode } from '../../lib/mqtt/frames.ts';
import { MQTT_WEBSOCKET_SUBPROTOCOL, openWebSocket } from '../../lib/mqtt/listener-stream.ts';
import { RawClient } from '../../lib/mqtt/raw-client.ts';
import { protocolVersionNumber, uniqueId } from '../../lib/mqtt/test-client.ts';
import { forEachProtocol, requireListener } from '../support/harness.ts';
import { conformanceTest, type ConformanceEnv } from '../support/conformance.ts';
import { connackCode, packetId, receive, topicFor, WAIT_MS } from '../support/conformance-flow.ts';
import { precondition } from '../support/keyed-test.ts';

const ALL_VERSIONS = (ids: string[]) => ({ '3.1.1': ids, '5': ids });

/** A raw client on the ws listener, destroyed when the test finishes. */
async function wsClient(env: ConformanceEnv): Promise<RawClient> {
  const client = await RawClient.openListener(wsListener(env), env.protocol);
  env.ctx.onTestFinished(() => client.destroy());
  return client;
}

function wsListener(env: ConformanceEnv): ListenerInfo {
  return requireListener(env.ctx, 'ws');
}

/** A bare WebSocket on the ws listener (for the handshake and non-binary frames), closed at the end. */
async function bareWebSocket(env: ConformanceEnv): Promise<WebSocket> {
  const ws = await openWebSocket(wsListener(env));
  env.ctx.onTestFinished(() => ws.terminate());
  return ws;
}

function connectBytes(env: ConformanceEnv): Buffer {
  return encode({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: protocolVersionNumber(env.protocol), clean: true, keepalive: 60, clientId: uniqueId('ws') }, protocolVersionNumber(env.protocol));
}

/** What the server did within timeoutMs after we sent something: the frames it sent, and whether it closed. */
function outcome(ws: WebSocket, timeoutMs: number): Promise<{ closed: boolean; frames: { binary: boolean; bytes: Buffer }[] }> {
  const frames: { binary: boolean; bytes: Buffer }[] = [];
  ws.on('message', (data, binary) => frames.push({ binary, bytes: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer) }));
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve({ closed: true, frames });
    const timer = setTimeout(() => resolve({ closed: false, frames }), timeoutMs);
    ws.once('close', () => { clearTimeout(timer); resolve({ closed: true, frames }); });
  });
}

forEachProtocol(() => {
  describe.concurrent('MQTT over WebSocket', () => {
    conformanceTest('websocket.subprotocol-mqtt', ALL_VERSIONS(['MQTT-6.0.0-4']),
      'the server selects the "mqtt" subprotocol the client offers, and MQTT flows in binary frames', async (env) => {
        const ws = await bareWebSocket(env);
        env.ctx.expect(ws.protocol, 'Sec-WebSocket-Protocol in the handshake response').toBe(MQTT_WEBSOCKET_SUBPROTOCOL);
        // The CONNACK comes back as the first frame, a binary one.
        const first = new Promise<{ binary: boolean; bytes: Buffer } | undefined>((resolve) => {
          const timer = setTimeout(() => resolve(undefined), WAIT_MS);
          ws.once('message', (data, binary) => { clearTimeout(timer); resolve({ binary, bytes: data as Buffer }); });
          ws.once('close', () => { clearTimeout(timer); resolve(undefined); });
        });
        ws.send(connectBytes(env), { binary: true });
        const frame = await first;
        env.ctx.expect(frame?.bytes.toString('hex'), 'the server\'s first frame (CONNACK 0x20 …)').toMatch(/^20/);
        env.ctx.expect(frame?.binary, 'CONNACK sent in a binary frame').toBe(true);
      });

    conformanceTest('websocket.text-frame-closes', ALL_VERSIONS(['MQTT-6.0.0-1']),
      'a CONNECT sent in a text frame makes the server close the connection without CONNACK', async (env) => {
        const ws = await bareWebSocket(env);
        // The CONNECT's bytes are all ASCII, so the frame is valid UTF-8 text: only its type is wrong.
        const bytes = connectBytes(env);
        precondition(env.ctx, () => env.ctx.expect(bytes.every((b) => b < 0x80), 'CONNECT bytes are ASCII').toBe(true));
        const seen = outcome(ws, WAIT_MS);
        ws.send(bytes.toString('latin1'), { binary: false });
        const { closed, frames } = await seen;
        env.ctx.expect(frames.map((f) => f.bytes.toString('hex')), 'frames the server sent back').toEqual([]);
        env.ctx.expect(closed, `connection closed within ${WAIT_MS} ms`).toBe(true);
      });

    conformanceTest('websocket.packet-across-frames', ALL_VERSIONS(['MQTT-6.0.0-2']),
      'a CONNECT and a PUBLISH each split over several binary frames are read as whole packets', async (env) => {
        const topic = topicFor(env, 'ws-split');
        const client = await wsClient(env);
        const connect = connectBytes(env);
        // Byte 1 alone (fixed header), then the Remaining Length, then the rest in two frames.
        for (const part of [connect.subarray(0, 1), connect.subarray(1, 2), connect.subarray(2, 7), connect.subarray(7)]) client.send(part);
        const connack = await client.nextOf('connack', undefined, WAIT_MS);
        env.ctx.expect(connackCode(connack), 'CONNACK to a CONNECT in four frames').toBe(0);
        const messageId = packetId();
        client.send({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos: 1 }] });
        await client.nextOf('suback', (p) => p.messageId === messageId, WAIT_MS);
        const publish = encode({ cmd: 'publish', topic, payload: Buffer.from('split-over-frames'), qos: 1, messageId: packetId(), retain: false, dup: false }, client.protocolVersion);
        for (let i = 0; i < publish.length; i += 3) client.send(publish.subarray(i, i + 3));
        const got = await receive(client, topic);
        env.ctx.expect(got.payload.toString(), `PUBLISH sent in ${Math.ceil(publish.length / 3)} frames of 3 bytes`).toBe('split-over-frames');
      });

    conformanceTest('websocket.packets-in-one-frame', ALL_VERSIONS(['MQTT-6.0.0-2']),
      'CONNECT, SUBSCRIBE and PUBLISH sent together in one binary frame are each answered', async (env) => {
        const topic = topicFor(env, 'ws-batch');
        const client = await wsClient(env);
        const version = client.protocolVersion;
        const subscribeId = packetId();
        const publishId = packetId();
        client.send(Buffer.concat([
          connectBytes(env),
          encode({ cmd: 'subscribe', messageId: subscribeId, subscriptions: [{ topic, qos: 1 }] }, version),
          encode({ cmd: 'publish', topic, payload: Buffer.from('one-frame'), qos: 1, messageId: publishId, retain: false, dup: false }, version),
        ]));
        const connack = await client.nextOf('connack', undefined, WAIT_MS);
        env.ctx.expect(connackCode(connack), 'CONNACK').toBe(0);
        const suback = await client.nextOf('suback', (p) => p.messageId === subscribeId, WAIT_MS);
        env.ctx.expect(suback.messageId, 'SUBACK for the SUBSCRIBE in the same frame').toBe(subscribeId);
        const puback = await client.nextOf('puback', (p) => p.messageId === publishId, WAIT_MS);
        env.ctx.expect(puback.messageId, 'PUBACK for the PUBLISH in the same frame').toBe(publishId);
        const got = await receive(client, topic);
        env.ctx.expect(got.payload.toString(), 'the PUBLISH delivered to the SUBSCRIBE before it').toBe('one-frame');
      });
  });
});
