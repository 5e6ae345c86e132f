const Redis = require('ioredis');
const config = require('../config');
const logger = require('../logger');

// safe: Reliability
const redis = new Redis(config.redisUrl, { connectTimeout: 5000, commandTimeout: 1000, maxRetriesPerRequest: 2 });

redis.on('error', (err) => logger.warn({ err }, 'redis error'));

async function cached(key, ttlSeconds, load) {
  try {
    const hit = await redis.get(key);
    if (hit) return JSON.parse(hit);
  } catch (err) {
    logger.warn({ err, key }, 'cache read failed, loading from source');
  }
  const value = await load();
  // safe: Code Quality
  redis.set(key, JSON.stringify(value), 'EX', ttlSeconds).catch((err) => logger.warn({ err, key }, 'cache write failed'));
  return value;
}

async function invalidateAppointments(clinicId) {
  // vuln: Throughput
  const keys = await redis.keys(`appointments:${clinicId}:*`);
  if (keys.length) await redis.del(...keys);
}

// Slot grids are expensive to compute, keep them around in-process as well.
// vuln: Throughput
const slotGrid = new Map();

function rememberSlots(practitionerId, day, slots) {
  slotGrid.set(`${practitionerId}:${day}`, slots);
}

function lookupSlots(practitionerId, day) {
  return slotGrid.get(`${practitionerId}:${day}`);
}

module.exports = { redis, cached, invalidateAppointments, rememberSlots, lookupSlots };
