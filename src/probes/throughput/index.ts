import databaseConnectionPerCall from './database-connection-per-call.js';
import insertPerRowInLoop from './insert-per-row-in-loop.js';
import listEndpointWithoutPagination from './list-endpoint-without-pagination.js';
import migrationLocksTable from './migration-locks-table.js';
import nPlusOneQuery from './n-plus-one-query.js';
import outboundFanOutWithoutConcurrencyLimit from './outbound-fan-out-without-concurrency-limit.js';
import oversizedBodyLimit from './oversized-body-limit.js';
import prismaRelationWithoutIndex from './prisma-relation-without-index.js';
import redisKeysCommand from './redis-keys-command.js';
import scheduledJobLoadsEveryRow from './scheduled-job-loads-every-row.js';
import sqlForeignKeyWithoutIndex from './sql-foreign-key-without-index.js';
import syncFileReadInRequestHandler from './sync-file-read-in-request-handler.js';
import unboundedModuleCache from './unbounded-module-cache.js';

/** Throughput probes, sorted by id. */
export default [databaseConnectionPerCall, insertPerRowInLoop, listEndpointWithoutPagination, migrationLocksTable, nPlusOneQuery, outboundFanOutWithoutConcurrencyLimit, oversizedBodyLimit, prismaRelationWithoutIndex, redisKeysCommand, scheduledJobLoadsEveryRow, sqlForeignKeyWithoutIndex, syncFileReadInRequestHandler, unboundedModuleCache];
