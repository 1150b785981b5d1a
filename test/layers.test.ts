// The layer rules in .dependency-cruiser.cjs hold for lib/ and suites/, and they can fail: an upward
// import planted for the test is reported as a violation of the rule it breaks.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { ROOT } from '../lib/core/paths.ts';

const require = createRequire(import.meta.url);
const config = require(path.join(ROOT, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };

async function violations(paths: string[]): Promise<string[]> {
  const cwd = process.cwd();
  process.chdir(ROOT); // dependency-cruiser resolves paths against the working directory
  try {
    const result = await cruise(paths, { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } } as never);
    const output = result.output as ICruiseResult;
    return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  } finally {
    process.chdir(cwd);
  }
}

describe('layers (dependency-cruiser)', () => {
  test('lib/ and suites/ import only downward', async () => {
    expect(await violations(['lib', 'suites'])).toEqual([]);
  }, 60_000);

  test('a planted upward import (core → cli) is a violation', async () => {
    const probe = path.join(ROOT, 'lib/core/layer-probe.ts');
    fs.writeFileSync(probe, "import '../cli/args.ts';\nexport const probe = 1;\n");
    try {
      expect(await violations(['lib/core/layer-probe.ts'])).toContain('no-upward-from-core: lib/core/layer-probe.ts → lib/cli/args.ts');
    } finally {
      fs.rmSync(probe, { force: true });
    }
  }, 60_000);
});
