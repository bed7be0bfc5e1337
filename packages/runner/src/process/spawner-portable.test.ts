import { describeSpawner } from './spawner.fixtures.js';

// The spawner's fallback where Node's process and pipe handles are not reachable.
describeSpawner({ portable: true });
