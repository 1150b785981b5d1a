// Differential fuzzing (docs/fuzz.md): with several targets the same seeded, unguided inputs go to
// each broker; each target's run records per input what it answered (differentialAnswer), written to
// `<run dir>/fuzz/<target>.json`; after the last target lib/run compares them (compareDifferential).
// A difference on an input whose statement allows one answer (a CONNECT that does not conform must be
// closed: connect-validity.ts) is a finding against the broker that answered otherwise; a difference
// where the specification allows several answers is listed as informational, with the reason.
import fs from 'node:fs';
import path from 'node:path';
import type { ProtocolVersion } from '../core/broker.ts';
import type { DifferentialAnswer, DifferentialFile, DifferentialFinding, FuzzDifferential } from '../core/fuzz-record.ts';
import { connectVerdict, firstPacketAsRead } from './connect-validity.ts';
import type { Session } from './session-grammar.ts';
import { responseKind, sessionWrites, type SessionOutcome } from './session-runner.ts';

/** What the broker answered to the session's CONNECT. */
function answerOf(o: SessionOutcome): string {
  const connack = o.frames.find((f) => f.type === 2);
  if (connack) return connack.bytes[3] === 0 ? 'accepted' : `refused (CONNACK ${connack.bytes[3]})`;
  return o.closed ? 'closed' : o.answered ? 'open' : 'silent';
}

/**
 * An answer to a CONNECT that must be closed: `closes` (closed, with a refusing CONNACK first or
 * without: MQTT 5, 3.1.2-2), `deviates` (CONNACK 0, or a PINGRESP on a connection never accepted:
 * a packet proves it), or `unknown` (silent within the session's answer bound: on a loaded machine a
 * close may come later, and a bound is no proof of absence).
 */
function judged(answer: string): 'closes' | 'deviates' | 'unknown' {
  if (answer === 'closed' || answer.startsWith('refused')) return 'closes';
  return answer === 'silent' || answer === 'no connection' ? 'unknown' : 'deviates';
}

export function differentialAnswer(input: number, s: Session, o: SessionOutcome | undefined): DifferentialAnswer {
  if (!o) return { input, answer: 'no connection', kind: 'no connection', openBecause: 'no connection was made' };
  const written = Buffer.concat(sessionWrites(s));
  const verdict = connectVerdict(written, s.protocol);
  const base = { input, answer: answerOf(o), kind: responseKind(o) };
  if (verdict.kind === 'must-close') {
    return { ...base, statement: verdict.statement, connectHex: firstPacketAsRead(written)!.toString('hex') };
  }
  return { ...base, openBecause: verdict.kind === 'valid' ? 'the CONNECT is valid: the rest of the session may be answered in more than one allowed way' : `the CONNECT is not judged: ${verdict.reason}` };
}

/** Adds one protocol version's answers to the target's file (both versions of a run share it). */
export function writeDifferentialAnswers(file: string, target: string, seed: number, protocol: ProtocolVersion, answers: DifferentialAnswer[]): void {
  const doc: DifferentialFile = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as DifferentialFile : { target, seed, runs: {} };
  doc.runs[protocol] = answers;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(doc)}\n`);
}

export function readDifferentialFiles(files: readonly string[]): DifferentialFile[] {
  return files.filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as DifferentialFile);
}

const EXAMPLES = 5;
const MAX_FINDINGS = 50;

/** Compares the targets' answers, per protocol version both (or all) of them ran. */
export function compareDifferential(files: readonly DifferentialFile[]): FuzzDifferential[] {
  if (files.length < 2) return [];
  const protocols = (['3.1.1', '5'] as const).filter((p) => files.every((f) => f.runs[p]?.length));
  return protocols.map((protocol) => {
    const byInput = files.map((f) => new Map(f.runs[protocol]!.map((a) => [a.input, a])));
    const targets = files.map((f) => f.target);
    const common = [...byInput[0]!.keys()].filter((i) => byInput.every((m) => m.has(i))).sort((a, b) => a - b);
    const findings: DifferentialFinding[] = [];
    const informational = new Map<string, FuzzDifferential['informational'][number]>();
    const inform = (reason: string, input: number, answers: Record<string, string>) => {
      const entry = informational.get(reason) ?? { reason, count: 0, examples: [] };
      entry.count++;
      if (entry.examples.length < EXAMPLES) entry.examples.push({ input, answers });
      informational.set(reason, entry);
    };
    const counts = new Map<string, number>();
    let oneAnswer = 0;
    for (const input of common) {
      const each = byInput.map((m) => m.get(input)!);
      const statement = each.find((a) => a.statement)?.statement;
      if (statement) oneAnswer++;
      const kinds = new Set(each.map((a) => a.kind));
      if (kinds.size === 1) continue;
      const answers = Object.fromEntries(each.map((a, k) => [targets[k]!, a.kind]));
      const verdicts = each.map((a) => judged(a.answer));
      if (statement && verdicts.includes('closes') && verdicts.includes('deviates')) {
        const deviating = targets.filter((_, k) => verdicts[k] === 'deviates');
        const counted = `${statement}\n${deviating.join(', ')}`;
        counts.set(counted, (counts.get(counted) ?? 0) + 1);
        if (findings.length < MAX_FINDINGS) {
          findings.push({
            statement, input, answers: Object.fromEntries(each.map((a, k) => [targets[k]!, a.answer])), deviating,
            problem: `${deviating.join(', ')} did not close on a CONNECT that must be closed (${statement}); ${targets.filter((_, k) => verdicts[k] === 'closes').join(', ')} closed`,
            reproducerHex: each.find((a) => a.connectHex)!.connectHex!,
          });
        }
        continue;
      }
      const reason = !statement ? each.find((a) => a.openBecause)?.openBecause ?? 'several answers allowed'
        : verdicts.includes('unknown') ? 'a CONNECT that must be closed, a target silent within the answer bound (a close may come later: no proof of a deviation)'
          : 'every target closed on a CONNECT that must be closed, in different allowed ways (with or without a refusing CONNACK first)';
      inform(reason, input, answers);
    }
    const findingCounts = [...counts].map(([k, count]) => ({ statement: k.split('\n')[0]!, deviating: k.split('\n')[1]!, count })).sort((a, b) => b.count - a.count);
    return { protocol, seed: files[0]!.seed, targets, compared: common.length, oneAnswer, findings, findingCounts, informational: [...informational.values()].sort((a, b) => b.count - a.count) };
  });
}
