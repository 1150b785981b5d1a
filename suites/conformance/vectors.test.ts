// The generic raw-socket runner: every vector in fixtures/vectors/*.json becomes one test on the
// protocol version its file names, registered under the vector's own key (vector.<file>.<name>).
// After a vector that ends in a close, the broker must still accept a new client (a malformed packet
// may cost the sender its connection, never the broker).
import { describe } from 'vitest';
import { loadVectorFiles, runVectorSteps, type Vector } from '../../lib/conformance/vectors.ts';
import { judgeBehaviour } from '../../lib/conformance/behaviour.ts';
import { RawClient, connectRaw } from '../../lib/mqtt/raw-client.ts';
import { ROOT } from '../../lib/core/paths.ts';
import { forEachProtocol, requireListener } from '../support/harness.ts';
import { keyedTest } from '../support/keyed-test.ts';

const files = loadVectorFiles(ROOT);
/** As conformanceTest: a vector may wait out several protocol timers. */
const VECTOR_TIMEOUT_MS = 15_000;

forEachProtocol((protocol, h) => {
  for (const file of files.filter((f) => f.protocol === protocol)) {
    describe.concurrent(`vectors: ${file.area}`, () => {
      for (const vector of file.vectors) {
        // The name starts with the statement ids, as every conformance test's does.
        const name = vector.spec.length ? `[${vector.spec.join(', ')}] ${vector.name}` : vector.name;
        keyedTest(vector.key, name, { spec: vector.spec, timeoutMs: VECTOR_TIMEOUT_MS }, async (ctx) => {
          const listener = requireListener(ctx, 'plain');
          const client = await RawClient.open(listener.host, listener.port, protocol, 5000, listener.credentials);
          ctx.onTestFinished(() => client.destroy());
          if (vector.connect) {
            const connack = await client.connect();
            ctx.expect(connack.returnCode ?? connack.reasonCode, 'CONNACK return code for the preparatory CONNECT').toBe(0);
          }
          const outcome = await runVectorSteps(client, vector);
          if (outcome.behaviour) {
            // Record the broker's choice among the behaviours the specification allows, then judge it.
            ctx.task.meta.detail = { ...ctx.task.meta.detail, behaviour: outcome.behaviour };
            const problem = judgeBehaviour(outcome.behaviour, vectorAlternatives(vector), outcome.intended!, h.strict);
            if (problem) throw new Error(problem);
          }
          if (outcome.closed) {
            const { client: probe } = await connectRaw(listener.host, listener.port, protocol, {}, listener.credentials);
            ctx.onTestFinished(() => probe.destroy());
            probe.send({ cmd: 'pingreq' });
            await probe.nextOf('pingresp', 3000);
          }
        });
      }
    });
  }
});

function vectorAlternatives(vector: Vector): string[] {
  return vector.steps.flatMap((s) => ('oneOf' in s ? s.oneOf.map((a) => a.behaviour) : []));
}
