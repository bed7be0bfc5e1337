import { MemoryStore } from '@stackfleet/test-utils';
import { describeStoreContract } from './contract/store-contract.js';

// The engine's unit tests run on test-utils' MemoryStore: it must behave like the real store.
describeStoreContract('memory (test-utils)', async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});
