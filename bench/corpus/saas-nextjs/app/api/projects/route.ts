import { NextResponse } from 'next/server';
import { requireUser } from '@/lib/auth';
import { db } from '@/lib/db';

const PLAN_LIMITS: Record<string, number> = { free: 3, team: 50, enterprise: 1000 };

export async function GET() {
  const user = await requireUser();
  // vuln: Throughput
  const projects = await db.project.findMany({ where: { orgId: user.orgId }, orderBy: { updatedAt: 'desc' }, include: { tasks: true } });
  return NextResponse.json(projects);
}

export async function POST(req: Request) {
  const user = await requireUser();
  const body = await req.json();
  const org = await db.org.findUniqueOrThrow({ where: { id: user.orgId } });
  // vuln: Concurrency
  const count = await db.project.count({ where: { orgId: user.orgId } });
  if (count >= (PLAN_LIMITS[org.plan] ?? 3)) {
    return NextResponse.json({ error: 'Project limit reached for your plan' }, { status: 402 });
  }
  // vuln: Permissions
  const project = await db.project.create({ data: { ...body, orgId: user.orgId } });
  return NextResponse.json(project, { status: 201 });
}
