import { createGitSandbox, type GitSandbox } from '@stackfleet/test-utils';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readModuleSources } from './read-module-sources.js';

let sandbox: GitSandbox | undefined;
afterEach(async () => { await sandbox?.cleanup(); sandbox = undefined; });

describe('readModuleSources', () => {
  it('follows local sources recursively, skips registry ones and escapes, survives cycles and bad HCL', async () => {
    sandbox = await createGitSandbox({ repos: { infra: { files: {
      'stacks/net/main.tf': 'module "app" {\n  source = "../../modules/app"\n}\nmodule "reg" {\n  source = "hashicorp/consul/aws"\n}\n',
      'stacks/net/outside.tf': 'module "out" {\n  source = "../../../elsewhere"\n}\n',
      'modules/app/main.tf': 'module "vpc" {\n  source = "../vpc"\n}\nmodule "self" {\n  source = "./"\n}\n',
      'modules/vpc/main.tf': 'module "back" {\n  source = "../app"\n}\nmodule "broken" {\n  source = "./sub"\n',
    } } } });
    const repo = sandbox.dir('infra');
    expect(await readModuleSources(join(repo, 'stacks/net'), repo)).toEqual([
      { dir: 'modules/app', via: 'module source ../../modules/app' },
      { dir: 'modules/vpc', via: 'module source ../../modules/app -> ../vpc' },
      { dir: 'modules/vpc/sub', via: 'module source ../../modules/app -> ../vpc -> ./sub' },
    ]);
  });
});
