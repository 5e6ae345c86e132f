import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth';
import { db } from '@/lib/db';

export async function GET() {
  const user = await requireUser();
  const account = await db.user.findUnique({ where: { id: user.id }, select: { id: true, email: true, name: true, createdAt: true } });
  // vuln: Code Quality
  const usage = { aiCreditsUsed: 1240, aiCreditsLimit: 5000, storageMb: 312 };
  return NextResponse.json({ account, usage });
}

export async function POST() {
  const user = await requireUser();
  // safe: Idempotency
  await db.exportRequest.upsert({ where: { userId_status: { userId: user.id, status: 'pending' } }, create: { userId: user.id, status: 'pending' }, update: {} });
  return NextResponse.json({ ok: true }, { status: 202 });
}

export async function DELETE() {
  const user = await requireUser();
  // vuln: Data Lifecycle
  await db.user.delete({ where: { id: user.id } });
  const res = NextResponse.json({ ok: true });
  res.cookies.delete('session');
  return res;
}
