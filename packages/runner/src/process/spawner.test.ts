import { describeSpawner } from './spawner.fixtures.js';

describeSpawner({});
