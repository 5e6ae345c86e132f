export type DeliveryStatus = 'created' | 'assigned' | 'picked_up' | 'delivered' | 'cancelled' | 'failed';

export interface Delivery {
  id: string;
  status: DeliveryStatus;
  merchantId: string;
  courierId: string | null;
  recipientName: string;
  dropoffAddress: string;
  instructions: string | null;
  priceCents: number;
  createdAt: string;
}

export interface Courier {
  id: string;
  displayName: string;
  activeDeliveries: number;
}

export interface Session {
  role: 'dispatcher' | 'courier' | 'merchant' | 'admin';
}

const BASE = import.meta.env.VITE_API_URL ?? '';
// safe: Security
export const MAPBOX_PUBLIC_TOKEN = import.meta.env.VITE_MAPBOX_PUBLIC_TOKEN ?? 'pk.eyJ1IjoiZGlzcGF0Y2gtZmFrZWJlbmNoIiwiYSI6ImNsMG5seXB1YmxpYyJ9.0nlyFakeBenchPublicTok';

export class ApiError extends Error {
  constructor(message: string, public readonly status: number) {
    super(message);
  }
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${BASE}${path}`, {
    ...init,
    credentials: 'include',
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new ApiError(body.error ?? res.statusText, res.status);
  }
  return res.status === 204 ? (undefined as T) : res.json();
}

export const api = {
  deliveries: (status?: DeliveryStatus) => request<Delivery[]>(`/deliveries${status ? `?status=${status}` : ''}`),
  couriers: () => request<Courier[]>('/couriers'),
  assign: (id: string, courierId: string) =>
    request<Delivery>(`/deliveries/${id}/assign`, { method: 'POST', body: JSON.stringify({ courierId }) }),
  cancel: (id: string) => request<Delivery>(`/deliveries/${id}/cancel`, { method: 'POST', body: '{}' }),
  remove: (id: string) => request<void>(`/deliveries/${id}`, { method: 'DELETE' }),
  refund: (id: string) => request<{ refundId: string }>(`/deliveries/${id}/refund`, { method: 'POST', body: '{}' }),
  purge: (olderThanDays: number) =>
    request<{ deliveries: number }>('/admin/purge', { method: 'POST', body: JSON.stringify({ olderThanDays }) }),
};
