import { config } from '../config';

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postcode: string;
  country: string;
}

export interface ShippingRate {
  carrier: string;
  service: string;
  amountCents: number;
  estimatedDays: number;
}

interface RateResponse {
  rates: ShippingRate[];
}

export async function getShippingRates(destination: ShippingAddress, weightGrams: number): Promise<ShippingRate[]> {
  const body = JSON.stringify({
    origin: { postcode: config.warehousePostcode, country: 'US' },
    destination: { postcode: destination.postcode, country: destination.country },
    parcel: { weightGrams },
  });

  let attempt = 0;
  while (true) {
    attempt++;
    try {
      const res = await fetch(`${config.shippingApiUrl}/rates`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${config.shippingApiKey}` },
        body,
      });
      if (!res.ok) {
        throw new Error(`rates API responded ${res.status}`);
      }
      const data = (await res.json()) as RateResponse;
      return data.rates;
    } catch (err) {
      console.log(`shipping rates attempt ${attempt} failed, retrying`, err);
    }
  }
}

export function cheapestRate(rates: ShippingRate[]): ShippingRate {
  if (rates.length === 0) throw new Error('No shipping rates available for this address');
  return rates.reduce((best, rate) => (rate.amountCents < best.amountCents ? rate : best));
}
