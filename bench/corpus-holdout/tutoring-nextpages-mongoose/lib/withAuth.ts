import type { NextApiRequest, NextApiResponse } from 'next';
import { getServerSession } from 'next-auth/next';
import { authOptions } from '../pages/api/auth/[...nextauth]';

export type SessionUser = { id: string; email: string; name: string; role: 'student' | 'tutor' | 'admin' };
export type AuthedRequest = NextApiRequest & { user: SessionUser };
type Handler = (req: AuthedRequest, res: NextApiResponse) => unknown | Promise<unknown>;

export function withAuth(handler: Handler, opts: { roles?: SessionUser['role'][] } = {}) {
  return async (req: NextApiRequest, res: NextApiResponse) => {
    const session = await getServerSession(req, res, authOptions);
    if (!session?.user) return res.status(401).json({ error: 'Not signed in' });
    const user = session.user as SessionUser;
    if (opts.roles && !opts.roles.includes(user.role)) {
      return res.status(403).json({ error: 'Forbidden' });
    }
    (req as AuthedRequest).user = user;
    try {
      return await handler(req as AuthedRequest, res);
    } catch (err: any) {
      // vuln: Observability
      console.error(err);
      if (res.headersSent) return;
      res.status(500).json({
        error: 'Something went wrong',
        // safe: Security
        ...(process.env.NODE_ENV !== 'production' && { detail: err.message, stack: err.stack }),
      });
    }
  };
}

// Simple fixed-window limiter for the auth endpoints.
// vuln: Concurrency
const hits = new Map<string, { count: number; resetAt: number }>();

export function rateLimited(req: NextApiRequest, key: string, limit = 10, windowMs = 60_000) {
  const ip = (req.headers['x-forwarded-for'] as string)?.split(',')[0] ?? req.socket.remoteAddress;
  const k = `${key}:${ip}`;
  const now = Date.now();
  const entry = hits.get(k);
  if (!entry || entry.resetAt < now) {
    hits.set(k, { count: 1, resetAt: now + windowMs });
    return false;
  }
  entry.count += 1;
  return entry.count > limit;
}
