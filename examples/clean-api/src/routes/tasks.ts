import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError, notFound } from '../lib/errors.js';
import type { Mailer } from '../lib/mailer.js';
import { afterCursor, MAX_PAGE_SIZE, page, PageQuery } from '../lib/pagination.js';
import { prisma } from '../lib/prisma.js';
import type { TokenClaims } from '../plugins/auth.js';

const ProjectParams = z.object({ projectId: z.string().cuid() });
const TaskParams = z.object({ taskId: z.string().cuid() });

const TaskStatus = z.enum(['TODO', 'IN_PROGRESS', 'DONE']);

const TaskListQuery = PageQuery.extend({ status: TaskStatus.optional() });

const TaskInput = z.object({
  title: z.string().trim().min(1).max(200),
  notes: z.string().trim().max(10_000).nullish(),
  status: TaskStatus.default('TODO'),
  dueAt: z.coerce.date().nullish(),
  assigneeId: z.string().cuid().nullish(),
});

const TaskPatch = TaskInput.partial().refine((patch) => Object.keys(patch).length > 0, 'Nothing to update');

/** Only live tasks in live projects of the caller's workspace are visible. */
const visibleTo = (user: TokenClaims) => ({ deletedAt: null, project: { workspaceId: user.wid, deletedAt: null } });

export default async function taskRoutes(app: FastifyInstance, opts: { mailer: Mailer; appUrl: string }) {
  app.addHook('onRequest', app.authenticate);

  async function assertAssignable(user: TokenClaims, assigneeId: string | null | undefined) {
    if (!assigneeId) return;
    const member = await prisma.user.count({ where: { id: assigneeId, workspaceId: user.wid } });
    if (member === 0) throw new HttpError(422, 'The assignee is not a member of this workspace');
  }

  /** Tells the assignee about a task. The task is already saved, so a mail failure is reported, not thrown. */
  async function notifyAssignee(request: { log: FastifyInstance['log'] }, taskId: string, assigneeId: string, actorId: string) {
    if (assigneeId === actorId) return 'skipped' as const;
    const task = await prisma.task.findUniqueOrThrow({
      where: { id: taskId },
      select: { title: true, project: { select: { id: true, name: true } }, assignee: { select: { email: true } } },
    });
    try {
      await opts.mailer.send({
        to: task.assignee!.email,
        subject: `You were assigned "${task.title}"`,
        text: `You have a new task in ${task.project.name}:\n\n${task.title}\n\n${opts.appUrl}/projects/${task.project.id}/tasks/${taskId}`,
      });
      return 'sent' as const;
    } catch (err) {
      request.log.warn({ err, taskId, assigneeId }, 'assignment email failed');
      return 'failed' as const;
    }
  }

  app.get('/projects/:projectId/tasks', async (request) => {
    const { projectId } = ProjectParams.parse(request.params);
    const query = TaskListQuery.parse(request.query);
    const tasks = await prisma.task.findMany({
      where: { ...visibleTo(request.user), projectId, ...(query.status ? { status: query.status } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: Math.min(query.limit, MAX_PAGE_SIZE),
      ...afterCursor(query.cursor),
    });
    return page(tasks, query.limit);
  });

  app.post('/projects/:projectId/tasks', async (request, reply) => {
    const { projectId } = ProjectParams.parse(request.params);
    const input = TaskInput.parse(request.body);

    const project = await prisma.project.findFirst({
      where: { id: projectId, workspaceId: request.user.wid, deletedAt: null },
      select: { id: true },
    });
    if (!project) throw notFound('Project');
    await assertAssignable(request.user, input.assigneeId);

    const task = await prisma.task.create({ data: { ...input, projectId } });
    request.log.info({ taskId: task.id, projectId }, 'task created');

    const notification = task.assigneeId ? await notifyAssignee(request, task.id, task.assigneeId, request.user.sub) : 'skipped';
    return reply.code(201).send({ ...task, notification });
  });

  app.patch('/tasks/:taskId', async (request) => {
    const { taskId } = TaskParams.parse(request.params);
    const patch = TaskPatch.parse(request.body);
    await assertAssignable(request.user, patch.assigneeId);

    const before = await prisma.task.findFirst({ where: { id: taskId, ...visibleTo(request.user) }, select: { assigneeId: true } });
    if (!before) throw notFound('Task');

    const task = await prisma.task.update({ where: { id: taskId }, data: patch });
    const reassigned = task.assigneeId && task.assigneeId !== before.assigneeId;
    const notification = reassigned ? await notifyAssignee(request, task.id, task.assigneeId!, request.user.sub) : 'skipped';
    return { ...task, notification };
  });

  app.delete('/tasks/:taskId', async (request, reply) => {
    const { taskId } = TaskParams.parse(request.params);
    const { count } = await prisma.task.updateMany({
      where: { id: taskId, ...visibleTo(request.user) },
      data: { deletedAt: new Date() },
    });
    if (count === 0) throw notFound('Task');
    request.log.info({ taskId }, 'task deleted');
    return reply.code(204).send();
  });
}
