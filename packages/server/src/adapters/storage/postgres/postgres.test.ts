import { runStorageContract } from '../../../ports/storage/storage.contract.js';
import { describePostgres, openTestPostgres, openTestPostgresNodes } from '../../../test-support/postgres.js';

// The concurrency rules race across three adapters (pools) on one schema: several nodes sharing a database.
await describePostgres('PostgreSQL adapter', () => {
  runStorageContract('postgres', openTestPostgres, { openNodes: openTestPostgresNodes });
});
