// The generic raw-socket runner: every vector in fixtures/vectors/*.json becomes one test on the
// protocol version its file names, registered under the vector's own key (vector.<file>.<name>). After a vector that ends in a close, the broker must still accept
// a new client (a malformed packet may cost the sender its connection, never the broker).
import { describe, type TestContext } from 'vitest';
import { loadVectorFiles, runVectorSteps, type Vector } from '../../lib/conformance/vectors.ts';
import { RawClient, connectRaw } from '../../lib/mqtt/raw-client.ts';
import { ROOT } from '../../lib/core/paths.ts';
import { forEachProtocol } from '../support/harness.ts';
import { conformanceTest } from '../support/conformance.ts';
import { precondition, recordCheck } from '../support/keyed-test.ts';

const files = loadVectorFiles(ROOT);

forEachProtocol((protocol) => {
  for (const file of files.filter((f) => f.protocol === protocol)) {
    describe.concurrent(`vectors: ${file.area}`, () => {
      for (const vector of file.vectors) {
        conformanceTest(vector.key, { [file.protocol]: vector.spec }, vector.name, async ({ ctx, listener, behaviour }) => {
          const client = await RawClient.openListener(listener, protocol);
          ctx.onTestFinished(() => client.destroy());
          if (vector.connect) {
            const connack = await client.connect();
            precondition(ctx, () => ctx.expect(connack.returnCode ?? connack.reasonCode, 'CONNACK return code for the preparatory CONNECT').toBe(0));
          }
          const outcome = await runVectorSteps(client, vector, listener.credentials).catch((e: unknown) => failedStep(ctx, e));
          // runVectorSteps throws on the first step that does not hold, so each expect / expectClose /
          // quietMs / oneOf step that returned was a check that passed (a `send` checks nothing).
          for (const step of vector.steps) if (!('send' in step)) recordCheck(ctx);
          if (outcome.behaviour) behaviour(outcome.behaviour, file.vectors.length ? vectorAlternatives(vector) : [], outcome.intended!);
          if (outcome.closed) {
            const { client: probe } = await connectRaw(listener, protocol);
            ctx.onTestFinished(() => probe.destroy());
            probe.send({ cmd: 'pingreq' });
            await probe.nextOf('pingresp', undefined, 3000);
          }
        });
      }
    });
  }
});

/**
 * runVectorSteps reports a step that did not hold (a different packet, a close, or nothing within the
 * step's bound) as a plain Error whose message starts with "expected": that is a failed check of the
 * vector's statement, so it fails the test as an assertion (issue 14: a fault counts as caught only on
 * an assertion). Anything else (a socket error) stays what it was.
 */
function failedStep(ctx: TestContext, e: unknown): never {
  if (e instanceof Error && e.constructor === Error && e.message.startsWith('expected ')) ctx.expect.fail(e.message);
  throw e;
}

function vectorAlternatives(vector: Vector): string[] {
  return vector.steps.flatMap((s) => ('oneOf' in s ? s.oneOf.map((a) => a.behaviour) : []));
}
