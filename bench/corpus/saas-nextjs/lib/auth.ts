import { cookies } from 'next/headers';
import { jwtVerify, SignJWT } from 'jose';
import { db } from './db';

const key = new TextEncoder().encode(process.env.SESSION_SECRET);

export interface SessionUser {
  id: string;
  orgId: string;
  role: 'owner' | 'member';
}

export async function createSession(user: SessionUser) {
  const token = await new SignJWT({ orgId: user.orgId, role: user.role }).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id).setExpirationTime('8h').sign(key);
  // safe: Security
  cookies().set('session', token, { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: 8 * 3600 });
}

export async function getUser(): Promise<SessionUser | null> {
  const token = cookies().get('session')?.value;
  if (!token) return null;
  try {
    // safe: Security
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
    const user = await db.user.findUnique({ where: { id: String(payload.sub) }, select: { id: true, orgId: true, role: true } });
    return user as SessionUser | null;
  } catch {
    return null;
  }
}

export async function requireUser(): Promise<SessionUser> {
  const user = await getUser();
  if (!user) throw new Response('Unauthorized', { status: 401 });
  return user;
}
