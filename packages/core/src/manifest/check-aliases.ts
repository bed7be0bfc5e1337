import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import { ALIAS_LIMITS } from './alias-limits.js';

/** What is wrong with an alias or merge key, and the node to point at. */
export interface AliasProblem {
  node: Node;
  message: string;
  hint: string;
}

interface Size {
  values: number;
  characters: number;
}

const OPEN: Size = { values: -1, characters: 0 };

/**
 * Checks what `toJS` would trip over or drown in, before it runs: aliases of
 * unknown anchors, an alias inside the value it names, `<<` merge keys whose
 * value is not a map (or a list of maps), and expansion past `ALIAS_LIMITS`.
 * Each anchored node is sized once and its size added at every alias, so a
 * 602-byte alias bomb is measured in microseconds, not expanded. Iterative.
 */
export function checkAliases(document: Document): AliasProblem | undefined {
  const sizes = new Map<Node, Size>();
  let aliases = 0;
  const added: Size = { values: 0, characters: 0 };
  const root = document.contents;
  if (root === null) return undefined;
  const pending: { node: Node; open: boolean }[] = [{ node: root, open: false }];
  while (pending.length > 0) {
    const top = pending[pending.length - 1]!;
    const { node } = top;
    if (isAlias(node)) {
      pending.pop();
      const target = node.resolve(document);
      if (target === undefined) {
        return { node, message: `unknown anchor "${node.source}" in alias "*${node.source}"`, hint: `define "&${node.source}" before this alias, or fix its name` };
      }
      const size = sizes.get(target);
      if (size === undefined || size.values < 0) {
        return { node, message: `alias "*${node.source}" is inside the value it refers to`, hint: 'an alias cannot repeat a value that contains it; copy what you need instead' };
      }
      aliases += 1;
      added.values += size.values;
      added.characters += size.characters;
      sizes.set(node, size);
      if (aliases > ALIAS_LIMITS.aliases) {
        return { node, message: `too many aliases (more than ${ALIAS_LIMITS.aliases})`, hint: 'write the values out, or share fewer of them' };
      }
      if (added.values > ALIAS_LIMITS.expandedValues || added.characters > ALIAS_LIMITS.expandedCharacters) {
        return {
          node,
          message: `aliases expand the manifest past ${ALIAS_LIMITS.expandedValues} values or ${ALIAS_LIMITS.expandedCharacters / 1024 / 1024} MiB of text`,
          hint: 'aliases of aliases multiply: share values one level deep (e.g. <<: *defaults)',
        };
      }
      continue;
    }
    const children = childrenOf(node);
    if (!top.open) {
      top.open = true;
      sizes.set(node, OPEN);
      const mergeProblem = isMap(node) ? checkMergeKeys(node.items, document) : undefined;
      if (mergeProblem) return mergeProblem;
      for (let index = children.length - 1; index >= 0; index -= 1) pending.push({ node: children[index]!, open: false });
      continue;
    }
    pending.pop();
    const size: Size = { values: 1, characters: isScalar(node) ? String(node.value).length : 0 };
    for (const child of children) {
      const childSize = sizes.get(child) ?? OPEN;
      size.values += Math.max(childSize.values, 0);
      size.characters += childSize.characters;
    }
    sizes.set(node, size);
  }
  return undefined;
}

function childrenOf(node: Node): Node[] {
  if (!isMap(node) && !isSeq(node)) return [];
  const children: Node[] = [];
  for (const item of node.items) {
    if (isPair(item)) {
      if (isNode(item.key)) children.push(item.key);
      if (isNode(item.value)) children.push(item.value);
    } else if (isNode(item)) {
      children.push(item);
    }
  }
  return children;
}

function isNode(value: unknown): value is Node {
  return isAlias(value) || isScalar(value) || isMap(value) || isSeq(value);
}

function checkMergeKeys(pairs: readonly unknown[], document: Document): AliasProblem | undefined {
  for (const pair of pairs) {
    if (!isPair(pair) || !isMergeKey(pair.key)) continue;
    const value = pair.value as Node | null;
    const sources = isSeq(value) ? (value.items as Node[]) : [value];
    for (const source of sources) {
      const resolved = isAlias(source) ? source.resolve(document) : source;
      if (isMap(resolved) || (isAlias(source) && resolved === undefined)) continue; // an unknown anchor is reported on its own
      return {
        node: (source ?? pair.key) as Node,
        message: 'a "<<" merge key takes a map, an alias of a map, or a list of those',
        hint: 'write "<<: *defaults" where "defaults" is a map (&defaults { key: value })',
      };
    }
  }
  return undefined;
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key) || (key.type !== undefined && key.type !== 'PLAIN')) return false;
  const { value } = key;
  return value === '<<' || (typeof value === 'symbol' && value.description === '<<');
}
