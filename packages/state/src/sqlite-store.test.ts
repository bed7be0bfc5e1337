import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreContract } from './contract/store-contract.js';
import { openSqliteStore } from './sqlite-store.js';

describeStoreContract('sqlite', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'stackfleet-state-'));
  const store = openSqliteStore({ stateDir: join(stateDir, 'nested', '.stackfleet'), env: {} });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
});
