import { createGitSandbox, type GitSandbox } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { grepConfigLines } from './grep-config-lines.js';
import { readDeclaredVariables } from './read-declared-variables.js';
import { readModuleFiles } from './read-module-files.js';

let sandbox: GitSandbox | undefined;
afterEach(async () => { await sandbox?.cleanup(); sandbox = undefined; });

describe('readDeclaredVariables', () => {
  it('finds root-module declarations in .tf, .tofu and .tf.json, not in comments, heredocs or submodules', async () => {
    sandbox = await createGitSandbox({ repos: { infra: { files: {
      'net/main.tf': 'variable "environment" {\n  type = string\n}\nvariable region {}\n',
      'dns/main.tf': '/*\nvariable "environment" {}\n*/\nresource "terraform_data" "z" {\n  input = <<EOT\nvariable "region" {\nEOT\n}\n',
      'dns/modules/inner/main.tf': 'variable "environment" {}\nmodule "leaf" {\n  source = "../leaf"\n}\n',
      'json/main.tf.json': '{ "variable": { "environment": { "type": "string" } } }\n',
      'tofu/main.tofu': '  variable "region"{\n}\n',
      'main.tf': 'variable "environment" {}\n',
    } } } });
    const repo = sandbox.dir('infra');
    await sandbox.write('infra', { 'new/vars.tf': 'variable "environment" {}\n' }); // untracked counts
    const questions = new Map([
      ['net', ['environment', 'region', 'size']],
      ['dns', ['environment', 'region']],
      ['json', ['environment']],
      ['tofu', ['region', 'environment']],
      ['new', ['environment']],
      ['.', ['environment']],
      ['missing', ['environment']],
    ]);
    const declared = await readDeclaredVariables(repo, questions);
    expect(Object.fromEntries([...declared].map(([dir, names]) => [dir, [...names].sort()]))).toEqual({
      net: ['environment', 'region'],
      dns: [],
      json: ['environment'],
      tofu: ['region'],
      new: ['environment'],
      '.': ['environment'],
      missing: [],
    });
    // Without the root directory the grep is limited to the stacks' directories: same answers.
    questions.delete('.');
    const limited = await readDeclaredVariables(repo, questions);
    expect(Object.fromEntries([...limited].map(([dir, names]) => [dir, [...names].sort()]))).toEqual({
      net: ['environment', 'region'], dns: [], json: ['environment'], tofu: ['region'], new: ['environment'], missing: [],
    });
    // From the grep shared with module lookups: same answers, and its module files are readModuleFiles'.
    const lines = grepConfigLines(repo);
    const shared = await readDeclaredVariables(repo, questions, lines);
    expect(Object.fromEntries([...shared].map(([dir, names]) => [dir, [...names].sort()]))).toEqual({
      net: ['environment', 'region'], dns: [], json: ['environment'], tofu: ['region'], new: ['environment'], missing: [],
    });
    // Comment and heredoc lines are kept: they send dns/main.tf to the parser.
    expect((await lines).variableLines.get('dns/main.tf')).toEqual(['/*', 'variable "environment" {}', '  input = <<EOT', 'variable "region" {']);
    expect((await lines).moduleFiles).toEqual(await readModuleFiles(repo));
    expect([...(await lines).moduleFiles.keys()]).toEqual(['dns/modules/inner']);
    // Files-only runs (the manifest unchanged) grep for modules alone.
    const modulesOnly = await grepConfigLines(repo, { variables: false });
    expect(modulesOnly.moduleFiles).toEqual((await lines).moduleFiles);
    expect(modulesOnly.variableLines.size).toBe(0);
    expect((await lines).variableLines.size).toBeGreaterThan(0);
  });
});
