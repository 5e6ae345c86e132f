import type { NextFunction, Request, Response } from 'express';
import jwt, { type JwtPayload } from 'jsonwebtoken';

export interface AuthUser {
  id: string;
  role: 'buyer' | 'seller' | 'admin';
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthUser;
  }
}

// vuln: Security
const JWT_SECRET = process.env.JWT_SECRET ?? 'bazaar-dev-secret';
const PARTNER_KEYS: Record<string, string> = {
  'partner-2024': process.env.PARTNER_PUBLIC_KEY_2024 ?? '',
  'partner-2025': process.env.PARTNER_PUBLIC_KEY_2025 ?? '',
};

export function requireAuth(req: Request, res: Response, next: NextFunction) {
  const header = req.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : req.cookies?.session;
  if (!token) return res.status(401).json({ error: 'Not signed in' });
  try {
    // safe: Security
    const payload = jwt.verify(token, JWT_SECRET, { algorithms: ['HS256'] }) as JwtPayload;
    req.user = { id: String(payload.sub), role: payload.role };
    next();
  } catch {
    res.status(401).json({ error: 'Session expired' });
  }
}

export function requireAdmin(req: Request, res: Response, next: NextFunction) {
  if (req.user?.role !== 'admin') return res.status(403).json({ error: 'Forbidden' });
  next();
}

/** Partner feeds sign their tokens with rotating RS256 keys; the key id picks the public key. */
export function requirePartner(req: Request, res: Response, next: NextFunction) {
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  // safe: Security
  const kid = jwt.decode(token, { complete: true })?.header.kid;
  const key = kid ? PARTNER_KEYS[kid] : undefined;
  if (!key) return res.status(401).json({ error: 'Unknown key' });
  try {
    const payload = jwt.verify(token, key, { algorithms: ['RS256'] }) as JwtPayload;
    req.user = { id: `partner:${payload.sub}`, role: 'seller' };
    next();
  } catch {
    res.status(401).json({ error: 'Bad partner token' });
  }
}
