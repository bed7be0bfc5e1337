import { describe, expect, it } from 'vitest';
import { parseManifest } from './parse-manifest.js';

/** The manifest of SPEC §2, verbatim. */
const SPEC_EXAMPLE = `# yaml-language-server: $schema=./schema/stacks.schema.json
version: 1
repos:                        # optional; stacks without \`repo\` live beside this file
  platform: { url: ../platform-infra }                    # local path, relative to this file
  payments: { url: https://github.com/acme/payments.git, ref: v1.4.0 }  # any git URL + ref
settings:
  concurrency: 4              # default for -j
  stateDir: .stackfleet       # the embedded store lives here
  limits: { prod: 1 }         # at most 1 running stack carrying label \`prod\`
variables:                    # shared, lowest precedence
  region: eu-west-1
contexts:
  aws-prod:
    attachTo: { labels: [prod] }        # auto-attach by label ("*" = every stack)
    priority: 10                        # lower number wins over higher
    env: { AWS_REGION: "\${{ vars.region }}" }
    secrets:
      DB_PASSWORD: { fromEnv: PROD_DB_PASSWORD }   # also: fromFile, fromCommand
    files: { "backend.auto.tfvars": "bucket = \\"acme-state\\"\\n" }  # written into the stack dir for the run, removed after
    hooks: { beforePlan: ["tflint"], afterApply: ["./notify.sh"] }
stacks:
  network:
    repo: platform
    path: stacks/network
    runner: terraform         # terraform | tofu | command (default: terraform)
    labels: [prod, core]
    vars: { cidr: 10.0.0.0/16 }           # terraform/tofu: TF_VAR_cidr
    watch: ["modules/vpc/**"]             # extra paths (in its repo) that make it affected
  app:
    repo: payments
    path: stacks/app
    dependsOn:
      - stack: network
        outputs: { vpc_id: TF_VAR_vpc_id }   # upstream output -> env var for this stack
        mock: { vpc_id: vpc-00000000 }       # only for plan, only while network has never been applied
      - dns                                   # ordering only
    vars:
      subnet: "\${{ stacks.network.outputs.subnet_id }}"   # a reference also creates the edge
    timeout: 30m
    retries: { attempts: 2, on: ["Error acquiring the state lock", "429"] }
  smoke:
    runner: command
    path: checks/smoke
    dependsOn: [app]
    commands: { plan: "./check.sh --dry-run", apply: "./check.sh" }
policies:
  - file: policies/blast-radius.policy.yaml
`;

// SPEC §2's example names a "dns" stack it never declares; add one so it is complete.
const COMPLETE_EXAMPLE = SPEC_EXAMPLE.replace(
  '  smoke:\n',
  '  dns:\n    path: stacks/dns\n  smoke:\n',
);

describe('parseManifest on the SPEC §2 example', () => {
  it('reports the one thing missing from the example as written', () => {
    expect(() => parseManifest(SPEC_EXAMPLE, 'stacks.yaml')).toThrow(
      expect.objectContaining({
        problems: [expect.objectContaining({ code: 'E_UNKNOWN_STACK', keyPath: 'stacks.app.dependsOn[1].stack' })],
      }),
    );
  });

  it('ignores top-level x- keys, which can hold YAML anchors and << merges', () => {
    const text = [
      'version: 1',
      'x-terraform: &tf { runner: tofu, labels: [core] }',
      'stacks:',
      '  network: { <<: *tf, path: n }',
      '',
    ].join('\n');
    expect(parseManifest(text, 'stacks.yaml').manifest.stacks['network']).toMatchObject({ runner: 'tofu', labels: ['core'] });
    const valid = ['version: 1', 'x-labels: &labels [edge, core]', 'stacks:', '  dns: { path: d, labels: *labels }', ''].join('\n');
    expect(parseManifest(valid, 'stacks.yaml').manifest.stacks['dns']?.labels).toEqual(['edge', 'core']);
  });

  it('normalizes shorthand and fills every default', () => {
    const { manifest } = parseManifest(COMPLETE_EXAMPLE, 'stacks.yaml');
    expect(manifest).toMatchInlineSnapshot(`
      {
        "contexts": {
          "aws-prod": {
            "attachTo": {
              "labels": [
                "prod",
              ],
            },
            "env": {
              "AWS_REGION": "\${{ vars.region }}",
            },
            "files": {
              "backend.auto.tfvars": "bucket = "acme-state"
      ",
            },
            "hooks": {
              "afterApply": [
                "./notify.sh",
              ],
              "beforePlan": [
                "tflint",
              ],
            },
            "name": "aws-prod",
            "priority": 10,
            "secrets": {
              "DB_PASSWORD": {
                "fromEnv": "PROD_DB_PASSWORD",
              },
            },
            "vars": {},
          },
        },
        "policies": [
          {
            "file": "policies/blast-radius.policy.yaml",
          },
        ],
        "repos": {
          "payments": {
            "name": "payments",
            "ref": "v1.4.0",
            "url": "https://github.com/acme/payments.git",
          },
          "platform": {
            "name": "platform",
            "url": "../platform-infra",
          },
        },
        "settings": {
          "concurrency": 4,
          "limits": {
            "prod": 1,
          },
          "retention": {
            "ageMs": 604800000,
            "runs": 200,
          },
          "stateDir": ".stackfleet",
        },
        "source": "stacks.yaml",
        "stacks": {
          "app": {
            "after": [],
            "commands": {},
            "contexts": [],
            "dependsOn": [
              {
                "mock": {
                  "vpc_id": "vpc-00000000",
                },
                "outputs": {
                  "vpc_id": "TF_VAR_vpc_id",
                },
                "stack": "network",
              },
              {
                "outputs": {},
                "stack": "dns",
              },
            ],
            "env": {},
            "files": {},
            "hooks": {},
            "labels": [],
            "name": "app",
            "path": "stacks/app",
            "repo": "payments",
            "retries": {
              "attempts": 2,
              "backoffMs": 1000,
              "on": [
                "Error acquiring the state lock",
                "429",
              ],
            },
            "runner": "terraform",
            "secrets": {},
            "timeoutMs": 1800000,
            "vars": {
              "subnet": "\${{ stacks.network.outputs.subnet_id }}",
            },
            "watch": [],
          },
          "dns": {
            "after": [],
            "commands": {},
            "contexts": [],
            "dependsOn": [],
            "env": {},
            "files": {},
            "hooks": {},
            "labels": [],
            "name": "dns",
            "path": "stacks/dns",
            "retries": {
              "attempts": 1,
              "backoffMs": 1000,
              "on": [],
            },
            "runner": "terraform",
            "secrets": {},
            "vars": {},
            "watch": [],
          },
          "network": {
            "after": [],
            "commands": {},
            "contexts": [],
            "dependsOn": [],
            "env": {},
            "files": {},
            "hooks": {},
            "labels": [
              "prod",
              "core",
            ],
            "name": "network",
            "path": "stacks/network",
            "repo": "platform",
            "retries": {
              "attempts": 1,
              "backoffMs": 1000,
              "on": [],
            },
            "runner": "terraform",
            "secrets": {},
            "vars": {
              "cidr": "10.0.0.0/16",
            },
            "watch": [
              "modules/vpc/**",
            ],
          },
          "smoke": {
            "after": [],
            "commands": {
              "apply": "./check.sh",
              "plan": "./check.sh --dry-run",
            },
            "contexts": [],
            "dependsOn": [
              {
                "outputs": {},
                "stack": "app",
              },
            ],
            "env": {},
            "files": {},
            "hooks": {},
            "labels": [],
            "name": "smoke",
            "path": "checks/smoke",
            "retries": {
              "attempts": 1,
              "backoffMs": 1000,
              "on": [],
            },
            "runner": "command",
            "secrets": {},
            "vars": {},
            "watch": [],
          },
        },
        "teams": {},
        "variables": {
          "region": "eu-west-1",
        },
        "version": 1,
      }
    `);
  });
});
