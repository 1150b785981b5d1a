// The README's `## Layout` section stays true to the tree: every folder it names exists, and every
// lib/ folder is named. A line of the block starts with a repository folder (`lib/run/`); later
// words ending in `/` are folders too — inside that folder (`smoke/`) or, with an inner slash,
// repository paths (`suites/support/`).
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../lib/core/paths.ts';

function layoutBlock(readme: string): string[] {
  const section = /^## Layout\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Layout" section');
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('the "## Layout" section has no code block');
  return block.split('\n').filter((l) => l.trim());
}

/** Every folder a line names, as repository-relative paths. */
function foldersNamed(line: string): string[] {
  const words = line.trim().split(/\s+/).map((w) => w.replace(/^[`(]+|[`),;:]+$/g, ''));
  const [head, ...rest] = words;
  const folders = [head!];
  for (const w of rest) {
    if (!/^[\w.-]+(\/[\w.-]+)*\/$/.test(w)) continue;
    folders.push(w.slice(0, -1).includes('/') ? w : path.posix.join(head!, w));
  }
  return folders;
}

const lines = layoutBlock(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

test('each line of the layout starts with a folder', () => {
  for (const line of lines) expect(line.split(/\s+/)[0], line).toMatch(/\/$/);
});

test('every folder the layout names exists', () => {
  const missing = lines.flatMap(foldersNamed).filter((f) => !fs.statSync(path.join(ROOT, f), { throwIfNoEntry: false })?.isDirectory());
  expect(missing).toEqual([]);
});

test('every lib/ folder is named', () => {
  const named = new Set(lines.map((l) => l.split(/\s+/)[0]));
  const libFolders = fs.readdirSync(path.join(ROOT, 'lib'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `lib/${d.name}/`);
  expect(libFolders.filter((f) => !named.has(f))).toEqual([]);
});

test('the parser sees subfolders and repository paths', () => {
  expect(foldersNamed('suites/   smoke/, tls/ (data); suites/support/ is the DSL')).toEqual(['suites/', 'suites/smoke/', 'suites/tls/', 'suites/support/']);
});
