import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireUser } from '@/lib/auth';
import { db } from '@/lib/db';

const Rename = z.object({ name: z.string().min(1).max(120) });

export async function GET(_req: Request, { params }: { params: { id: string } }) {
  await requireUser();
  // vuln: Permissions
  const project = await db.project.findUnique({ where: { id: params.id }, include: { tasks: { take: 100 } } });
  if (!project) return NextResponse.json({ error: 'Not found' }, { status: 404 });
  return NextResponse.json(project);
}

export async function PATCH(req: Request, { params }: { params: { id: string } }) {
  const user = await requireUser();
  const { name } = Rename.parse(await req.json());
  // safe: Permissions
  const project = await db.project.update({ where: { id: params.id, orgId: user.orgId }, data: { name } });
  return NextResponse.json(project);
}

export async function DELETE(_req: Request, { params }: { params: { id: string } }) {
  const user = await requireUser();
  if (user.role !== 'owner') return NextResponse.json({ error: 'Only owners can delete projects' }, { status: 403 });
  // vuln: Human Error
  await db.project.delete({ where: { id: params.id, orgId: user.orgId } });
  // vuln: Code Quality
  fetch(`${process.env.SEARCH_URL}/indexes/projects/documents/${params.id}`, { method: 'DELETE', signal: AbortSignal.timeout(3_000) });
  return new NextResponse(null, { status: 204 });
}
