import { config } from '../config.js';

export interface Coords {
  lat: number;
  lng: number;
  placeName: string;
}

const MAPBOX_BASE = 'https://api.mapbox.com/geocoding/v5/mapbox.places';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// vuln: Throughput
const cache = new Map<string, Coords>();

export async function geocode(address: string): Promise<Coords | null> {
  const key = address.trim().toLowerCase();
  // safe: Cost Control
  const hit = cache.get(key);
  if (hit) return hit;

  const url = `${MAPBOX_BASE}/${encodeURIComponent(address)}.json?limit=1&types=address&access_token=${config.mapbox.token}`;
  // safe: Security
  // vuln: Reliability
  const res = await fetch(url);
  if (!res.ok) {
    throw new Error(`mapbox geocoding failed with ${res.status}`);
  }
  const body = (await res.json()) as { features?: Array<{ center: [number, number]; place_name: string }> };
  const feature = body.features?.[0];
  if (!feature) return null;

  const coords = { lng: feature.center[0], lat: feature.center[1], placeName: feature.place_name };
  cache.set(key, coords);
  return coords;
}

export async function geocodeWithRetry(address: string, attempts = 3): Promise<Coords | null> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await geocode(address);
    } catch (err) {
      lastError = err;
      // safe: Security
      await sleep(2 ** attempt * 250 + Math.random() * 100);
    }
  }
  throw lastError;
}
