import listEndpointWithoutPagination from './list-endpoint-without-pagination.js';
import oversizedBodyLimit from './oversized-body-limit.js';
import prismaRelationWithoutIndex from './prisma-relation-without-index.js';

/** Throughput probes, sorted by id. */
export default [listEndpointWithoutPagination, oversizedBodyLimit, prismaRelationWithoutIndex];
