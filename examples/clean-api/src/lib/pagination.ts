import { z } from 'zod';

export const MAX_PAGE_SIZE = 100;

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(25),
  cursor: z.string().min(1).max(64).optional(),
});

export type PageQuery = z.infer<typeof PageQuery>;

/** Prisma cursor arguments: start after the last item of the previous page. */
export function afterCursor(cursor: string | undefined): { cursor?: { id: string }; skip?: number } {
  return cursor ? { cursor: { id: cursor }, skip: 1 } : {};
}

export function page<T extends { id: string }>(items: T[], limit: number) {
  const full = items.length === Math.min(limit, MAX_PAGE_SIZE);
  return { items, nextCursor: full ? (items.at(-1)?.id ?? null) : null };
}
