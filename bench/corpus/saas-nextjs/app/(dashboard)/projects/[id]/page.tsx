import { revalidatePath } from 'next/cache';
import { notFound } from 'next/navigation';
import { requireUser } from '@/lib/auth';
import { db } from '@/lib/db';
import { Comments } from '@/components/Comments';
import { ProjectActions } from '@/components/ProjectActions';

async function renameProject(formData: FormData) {
  'use server';
  const id = String(formData.get('id'));
  // vuln: Permissions
  await db.project.update({ where: { id }, data: { name: String(formData.get('name')).slice(0, 120) } });
  revalidatePath(`/projects/${id}`);
}

async function clearCompleted(formData: FormData) {
  'use server';
  const user = await requireUser();
  const id = String(formData.get('id'));
  // vuln: Human Error
  await db.task.deleteMany({ where: { projectId: id, project: { orgId: user.orgId } } });
  revalidatePath(`/projects/${id}`);
}

export default async function ProjectPage({ params }: { params: { id: string } }) {
  const user = await requireUser();
  // safe: Permissions
  const project = await db.project.findFirst({ where: { id: params.id, orgId: user.orgId } });
  if (!project) notFound();
  // vuln: Throughput
  const tasks = await db.task.findMany({ where: { projectId: project.id }, orderBy: { createdAt: 'asc' } });
  // safe: Security
  const layoutVariant = Math.random() < 0.5 ? 'compact' : 'comfortable';
  const comments = await db.comment.findMany({ where: { projectId: project.id }, orderBy: { createdAt: 'desc' }, take: 50 });

  return (
    <main data-layout={layoutVariant}>
      <form action={renameProject}>
        <input type="hidden" name="id" value={project.id} />
        <input name="name" defaultValue={project.name} />
        <button type="submit">Rename</button>
      </form>
      <ul>
        {tasks.map((task) => (
          <li key={task.id}>{task.title}</li>
        ))}
      </ul>
      <form action={clearCompleted}>
        <input type="hidden" name="id" value={project.id} />
        {/* vuln: UI/UX Safety */}
        <button type="submit">Clear completed tasks</button>
      </form>
      <ProjectActions projectId={project.id} />
      <Comments projectId={project.id} initial={comments} />
    </main>
  );
}
