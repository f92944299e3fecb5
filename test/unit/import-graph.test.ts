import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * No import cycles in src/ (generated code aside). Type-only imports count: a cycle of types is
 * still two modules that cannot be understood, moved or tested one without the other.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

type Graph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import, re-export, dynamic import and `import type` of each module, as paths under root. */
function importGraph(files: string[], root = SRC): Graph {
  const graph: Graph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((ref) => ref.fileName)
      .filter((name) => name.startsWith('./') || name.startsWith('../'))
      .map((name) => relative(root, resolve(dirname(file), name)).replace(/\.js$/, '.ts'));
    graph.set(relative(root, file), [...new Set(targets)]);
  }
  return graph;
}

/** Each strongly connected component of more than one module (or a module importing itself), as one cycle through it. */
export function findCycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)!.includes(node)) components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((component) => cycleThrough(graph, new Set(component)));
}

/** A shortest path from the component's first module (by name) back to itself, inside the component. */
function cycleThrough(graph: Graph, component: Set<string>): string[] {
  const start = [...component].sort()[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of graph.get(node) ?? []) {
      if (!component.has(to)) continue;
      if (to === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

describe('import graph', () => {
  it('finds a cycle and names every module in it (a planted one)', () => {
    const graph: Graph = new Map([
      ['a.ts', ['b.ts', 'leaf.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['leaf.ts', []],
      ['self.ts', ['self.ts']],
    ]);
    expect(findCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts'], ['self.ts', 'self.ts']]);
  });

  it('reads every kind of import: type-only, re-export, dynamic, side effect; packages are not modules', () => {
    const root = mkdtempSync(join(tmpdir(), 'import-graph-'));
    try {
      mkdirSync(join(root, 'x'));
      const files = {
        'a.ts': "import type { B } from './x/b.js';\nexport * from './c.js';\nimport '@grpc/grpc-js';\n",
        'x/b.ts': "export { thing } from '../d.js';\nexport type B = 1;\n",
        'c.ts': "import './side.js';\nexport const c = () => import('./x/b.js');\n",
      };
      for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
      const graph = importGraph(Object.keys(files).map((name) => join(root, name)), root);
      expect(Object.fromEntries(graph)).toEqual({
        'a.ts': ['x/b.ts', 'c.ts'],
        'x/b.ts': ['d.ts'],
        'c.ts': ['side.ts', 'x/b.ts'],
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('src/ has no import cycle', () => {
    const graph = importGraph(sourceFiles(SRC));
    expect(graph.size).toBeGreaterThan(100);
    const cycles = findCycles(graph).map((cycle) => cycle.join(' -> '));
    expect(cycles, `import cycles:\n${cycles.join('\n')}`).toEqual([]);
  });
});
