import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { setAside } from './set-aside.mjs';
import { join } from 'node:path';

/**
 * Writes a stacks.yaml of command stacks for a generated DAG. Every stack
 * shares one directory (the fleet root) unless `dirs` is set, so generation
 * stays cheap for 10,000 stacks.
 */
export function writeCommandFleet(root, nodes, { command = 'true', concurrency = 8, dirs = false } = {}) {
  setAside(root);
  mkdirSync(root, { recursive: true });
  const lines = ['version: 1', 'settings:', `  concurrency: ${concurrency}`, 'stacks:'];
  for (const node of nodes) {
    const path = dirs ? `stacks/${node.name}` : '.';
    if (dirs) mkdirSync(join(root, path), { recursive: true });
    lines.push(`  ${node.name}:`, '    runner: command', `    path: ${path}`);
    lines.push(`    labels: [${node.name.endsWith('0') ? 'ten' : 'other'}]`);
    if (node.deps.length > 0) lines.push(`    dependsOn: [${node.deps.join(', ')}]`);
    lines.push(`    commands: { apply: ${JSON.stringify(typeof command === 'function' ? command(node) : command)} }`);
  }
  writeFileSync(join(root, 'stacks.yaml'), `${lines.join('\n')}\n`);
  return join(root, 'stacks.yaml');
}

/** An Nx workspace with the same DAG: one project.json per stack, edges as implicitDependencies. */
export function writeNxWorkspace(root, nodes, { nodeModules, command = 'true', parallel = 8 } = {}) {
  setAside(root);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'nx-bench', private: true }, null, 2));
  writeFileSync(
    join(root, 'nx.json'),
    JSON.stringify({ neverConnectToCloud: true, useDaemonProcess: false, parallel, targetDefaults: { deploy: { dependsOn: ['^deploy'], cache: false } } }, null, 2),
  );
  for (const node of nodes) {
    const dir = join(root, 'projects', node.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'project.json'),
      JSON.stringify({
        name: node.name,
        root: `projects/${node.name}`,
        implicitDependencies: node.deps,
        targets: { deploy: { executor: 'nx:run-commands', options: { command: typeof command === 'function' ? command(node) : command } } },
      }),
    );
  }
  if (nodeModules) symlinkSync(nodeModules, join(root, 'node_modules'));
}
