import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { useOwnTempDir } from './support/own-temp-dir.ts';

const SRC = path.resolve(import.meta.dirname, '../src');

/**
 * The import graph of the product files under `dir` (tests left out): every relative import,
 * re-export and dynamic import, type-only ones included, as TypeScript itself reads them.
 */
function importGraph(dir: string): Map<string, string[]> {
  const files = (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    graph.set(
      file,
      importedFiles.map((i) => i.fileName).filter((name) => name.startsWith('.')).map((name) => path.resolve(path.dirname(file), name)),
    );
  }
  return graph;
}

/** The import cycles: each strongly connected group of two or more files, or a file importing itself (Tarjan). */
function importCycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const dep of graph.get(file) ?? []) {
      if (!graph.has(dep)) continue;
      if (!index.has(dep)) {
        visit(dep);
        low.set(file, Math.min(low.get(file)!, low.get(dep)!));
      } else if (onStack.has(dep)) {
        low.set(file, Math.min(low.get(file)!, index.get(dep)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || graph.get(file)!.includes(file)) cycles.push(group.reverse());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

describe('backend import graph', () => {
  it('has no import cycle under src/, type-only imports included', () => {
    const cycles = importCycles(importGraph(SRC)).map((group) => group.map((f) => path.relative(SRC, f)).join(' -> '));
    assert.deepEqual(cycles, [], `import cycles:\n${cycles.join('\n')}`);
  });

  it('finds a cycle through a type import and a re-export, and none in a chain', () => {
    const dir = fs.mkdtempSync(path.join(useOwnTempDir(), 'import-cycles-'));
    try {
      fs.mkdirSync(path.join(dir, 'a'));
      fs.writeFileSync(path.join(dir, 'a/one.ts'), "import type { Two } from '../two.ts';\nexport type One = Two;\n");
      fs.writeFileSync(path.join(dir, 'two.ts'), "export * from './three.ts';\nexport type Two = string;\n");
      fs.writeFileSync(path.join(dir, 'three.ts'), "export const three = () => import('./a/one.ts');\n");
      fs.writeFileSync(path.join(dir, 'four.ts'), "import { three } from './three.ts';\nexport const four = three;\n");
      fs.writeFileSync(path.join(dir, 'four.test.ts'), "import { four } from './four.ts';\nexport { four };\n");
      const cycles = importCycles(importGraph(dir)).map((group) => group.map((f) => path.relative(dir, f)).sort());
      assert.deepEqual(cycles, [['a/one.ts', 'three.ts', 'two.ts']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
