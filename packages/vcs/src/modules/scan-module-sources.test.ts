import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadHclParser } from './load-hcl-parser.js';
import { LOCAL_SOURCE_TEXT, scanLocalModuleSources } from './scan-module-sources.js';

/** What `readModuleSources` made of a file before the scan: the parser, or the text match when it does not parse. */
async function readWithParser(text: string): Promise<string[]> {
  try {
    const { parse } = await loadHclParser();
    const json = await parse('main.tf', text) as { module?: Record<string, { source?: unknown }[]> };
    return Object.values(json.module ?? {}).flatMap((blocks) => blocks.flatMap((block) =>
      typeof block.source === 'string' && (block.source.startsWith('./') || block.source.startsWith('../')) ? [block.source] : []));
  } catch {
    return [...text.matchAll(LOCAL_SOURCE_TEXT)].map((match) => match[1]!);
  }
}

const label = fc.oneof(
  { arbitrary: fc.constantFrom('"app"', '"b"', 'vpc', '"10"', '"9"', '"B"', '"x-y"'), weight: 4 },
  { arbitrary: fc.constantFrom('"${var.n}"', '"a" "b"', ''), weight: 1 },
);
const sourceValue = fc.oneof(
  { arbitrary: fc.constantFrom('"./app"', '"../../modules/vpc"', '"./"', '"hashicorp/consul/aws"', '"./a" # trailing', '"../b" // trailing', '"./c" /* note */'), weight: 4 },
  { arbitrary: fc.constantFrom('"git::https://example.com/x.git"', '"./${var.dir}"', 'var.source', '"./d\\u0041"', '{}'), weight: 1 },
);
const attribute = fc.oneof(
  { arbitrary: fc.constantFrom('name = "x"', 'count = 2', 'tags = { team = "core", source = "not-local" }', 'list = [\n    "./a",\n    "b",\n  ]', 'value = "${jsonencode({ a = "}" })}"', 'cond = a == b ? "./x" : "y"', 'depends_on = [module.other]', 'text = "escaped \\" quote"', 'literal = "$${not.template}"'), weight: 4 },
  { arbitrary: fc.constantFrom('# source = "./commented"', 'source = "./again"', 'tags = { source = "./in-object" }'), weight: 1 },
);
const moduleBlock = fc.tuple(label, sourceValue, fc.array(attribute, { maxLength: 3 }), fc.boolean()).map(([name, source, attributes, oneLine]) =>
  oneLine && attributes.length === 0
    ? `module ${name} { source = ${source} }\n`
    : `module ${name} {\n  source = ${source}\n${attributes.map((line) => `  ${line}\n`).join('')}}\n`);
const otherBlock = fc.constantFrom(
  'resource "terraform_data" "r" {\n  input = "x"\n  provisioner "local-exec" {\n    source = "./provisioned"\n  }\n}\n',
  'locals {\n  a = "${\n  1}"\n}\n',
  '# module "off" {\n#   source = "./off"\n# }\n',
  '/* module "off" {\n  source = "./off"\n} */\n',
  '// module "x" { source = "./line" }\n',
  'variable "env" {\n  default = "module"\n}\n',
  'terraform {\n  module "nested" {\n    source = "./nested"\n  }\n}\n',
  'output "o" {\n  value = <<EOT\nmodule "h" {\n  source = "./heredoc"\n}\nEOT\n}\n',
  'locals {\n  broken = "unterminated\n}\n',
  'locals {\n  x = [\n',
  '}\n',
  'data "x" "y" { source = "./data" }\n',
);
const file = fc.array(fc.oneof({ arbitrary: moduleBlock, weight: 6 }, { arbitrary: otherBlock, weight: 1 }), { minLength: 1, maxLength: 3 }).map((blocks) => blocks.join(''));

describe('scanLocalModuleSources', () => {
  it('reads plain files like the HCL parser, comments, templates and one-line blocks included', () => {
    const text = [
      '# a comment {',
      'module "10" {',
      '  source = "./ten"',
      '}',
      'module a { source = "./a" }',
      'module "b" {',
      '  source = "../b" # the last',
      '  tags   = { source = "x", inner = "${upper("}")}" }',
      '}',
      'module "registry" {',
      '  source = "hashicorp/consul/aws"',
      '}',
      'resource "terraform_data" "r" {',
      '  input = [for s in ["{", "["] : s]',
      '}',
    ].join('\n');
    expect(scanLocalModuleSources(text)).toEqual(['./ten', './a', '../b']);
  });

  it('leaves to the parser what it cannot settle', () => {
    for (const text of [
      '# module "old" { source = "./old" }\nmodule "x" {\n  source = "./x"\n}\n',
      'module "x" {\n  source = <<EOT\n./x\nEOT\n}\n',
      'module "x" {\n  source = "./${var.x}"\n}\n',
      'resource "a" "b" {\n  provisioner "file" {\n    source = "./conf"\n  }\n}\n',
      'module "x" {\n  source = "./x"\n',
      'module "x" {\n  source = "./x"\n  source = "./y"\n}\n',
      // The parser lists modules by name; the text match (used when a file does not parse) in file order.
      'module "b" {\n  source = "./b"\n}\nmodule "a" {\n  source = "./a"\n}\n',
    ]) expect(scanLocalModuleSources(text)).toBeUndefined();
  });

  it('agrees with the HCL parser (or its text fallback) whenever it answers', async () => {
    let answered = 0;
    const runs = Number(process.env.SCAN_RUNS ?? 300);
    await fc.assert(fc.asyncProperty(file, async (text) => {
      const scanned = scanLocalModuleSources(text);
      if (scanned === undefined) return;
      answered += 1;
      expect(scanned, text).toEqual(await readWithParser(text));
    }), { numRuns: runs });
    // The property must not hold vacuously.
    expect(answered).toBeGreaterThan(runs / 10);
  }, 60_000);
});
