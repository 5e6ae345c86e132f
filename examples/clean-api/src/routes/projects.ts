import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from '../lib/errors.js';
import { afterCursor, MAX_PAGE_SIZE, page, PageQuery } from '../lib/pagination.js';
import { prisma } from '../lib/prisma.js';
import { requireRole } from '../plugins/auth.js';

const ProjectParams = z.object({ projectId: z.string().cuid() });

const ProjectInput = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2_000).nullish(),
});

const ProjectPatch = ProjectInput.partial().refine((patch) => Object.keys(patch).length > 0, 'Nothing to update');

const projectFields = { id: true, name: true, description: true, createdById: true, createdAt: true, updatedAt: true } as const;

export default async function projectRoutes(app: FastifyInstance) {
  app.addHook('onRequest', app.authenticate);

  app.get('/projects', async (request) => {
    const query = PageQuery.parse(request.query);
    const projects = await prisma.project.findMany({
      where: { workspaceId: request.user.wid, deletedAt: null },
      select: projectFields,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: Math.min(query.limit, MAX_PAGE_SIZE),
      ...afterCursor(query.cursor),
    });
    return page(projects, query.limit);
  });

  app.post('/projects', async (request, reply) => {
    const input = ProjectInput.parse(request.body);
    const project = await prisma.project.create({
      data: { ...input, workspaceId: request.user.wid, createdById: request.user.sub },
      select: projectFields,
    });
    request.log.info({ projectId: project.id }, 'project created');
    return reply.code(201).send(project);
  });

  app.get('/projects/:projectId', async (request) => {
    const { projectId } = ProjectParams.parse(request.params);
    const project = await prisma.project.findFirst({
      where: { id: projectId, workspaceId: request.user.wid, deletedAt: null },
      select: projectFields,
    });
    if (!project) throw notFound('Project');
    return project;
  });

  app.patch('/projects/:projectId', async (request) => {
    const { projectId } = ProjectParams.parse(request.params);
    const patch = ProjectPatch.parse(request.body);
    const { count } = await prisma.project.updateMany({
      where: { id: projectId, workspaceId: request.user.wid, deletedAt: null },
      data: patch,
    });
    if (count === 0) throw notFound('Project');
    return prisma.project.findUniqueOrThrow({ where: { id: projectId }, select: projectFields });
  });

  // Soft delete: the project and its tasks disappear from every listing but stay recoverable.
  app.delete('/projects/:projectId', async (request, reply) => {
    requireRole(request.user, 'OWNER');
    const { projectId } = ProjectParams.parse(request.params);
    const { count } = await prisma.project.updateMany({
      where: { id: projectId, workspaceId: request.user.wid, deletedAt: null },
      data: { deletedAt: new Date() },
    });
    if (count === 0) throw notFound('Project');
    request.log.info({ projectId }, 'project deleted');
    return reply.code(204).send();
  });

  app.post('/projects/:projectId/restore', async (request) => {
    requireRole(request.user, 'OWNER');
    const { projectId } = ProjectParams.parse(request.params);
    const { count } = await prisma.project.updateMany({
      where: { id: projectId, workspaceId: request.user.wid, deletedAt: { not: null } },
      data: { deletedAt: null },
    });
    if (count === 0) throw notFound('Deleted project');
    request.log.info({ projectId }, 'project restored');
    return prisma.project.findUniqueOrThrow({ where: { id: projectId }, select: projectFields });
  });
}
