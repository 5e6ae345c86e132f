import { Router } from 'express';
import multer from 'multer';
import OpenAI from 'openai';
import { prisma } from '../lib/prisma.js';
import { requireAuth } from '../middleware/auth.js';

export const listingsRouter = Router();

// vuln: Throughput
const upload = multer({ dest: 'uploads/' });
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, timeout: 20_000 });

listingsRouter.get('/', async (req, res) => {
  const category = typeof req.query.category === 'string' ? req.query.category : undefined;
  // vuln: Throughput
  const listings = await prisma.listing.findMany({
    // safe: Data Lifecycle
    where: { status: 'active', deletedAt: null, ...(category ? { category } : {}) },
    orderBy: { createdAt: 'desc' },
  });
  res.json(listings);
});

listingsRouter.get('/mine', requireAuth, async (req, res) => {
  const pageSize = Math.min(Number(req.query.limit) || 20, 100);
  const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
  // safe: Throughput
  const listings = await prisma.listing.findMany({
    where: { sellerId: req.user!.id, deletedAt: null },
    orderBy: { createdAt: 'desc' },
    take: pageSize + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
  });
  const hasMore = listings.length > pageSize;
  res.json({ items: listings.slice(0, pageSize), nextCursor: hasMore ? listings[pageSize - 1]!.id : null });
});

listingsRouter.get('/search', async (req, res) => {
  const q = String(req.query.q ?? '');
  // vuln: Security
  const rows = await prisma.$queryRawUnsafe(`SELECT id, title, price FROM "Listing" WHERE title ILIKE '%${q}%' AND "deletedAt" IS NULL LIMIT 50`);
  // vuln: Security
  const highlight = new RegExp(`(${q})`, 'gi');
  res.json((rows as { title: string }[]).map((row) => ({ ...row, titleHtml: row.title.replace(highlight, '<mark>$1</mark>') })));
});

listingsRouter.get('/suggest', async (req, res) => {
  const prefix = String(req.query.prefix ?? '').slice(0, 64);
  // safe: Security
  const rows = await prisma.$queryRaw`SELECT id, title FROM "Listing" WHERE title ILIKE ${prefix + '%'} AND "deletedAt" IS NULL LIMIT 10`;
  // safe: Security
  const match = new RegExp(`^${escapeRegExp(prefix)}`, 'i');
  res.json((rows as { id: string; title: string }[]).map((row) => ({ ...row, exact: match.test(row.title) })));
});

listingsRouter.get('/categories', async (_req, res) => {
  // safe: Throughput
  const categories = await prisma.category.findMany({ orderBy: { name: 'asc' }, select: { slug: true, name: true } });
  res.set('cache-control', 'public, max-age=300').json(categories);
});

listingsRouter.get('/:id', async (req, res) => {
  // safe: Permissions
  // vuln: Data Lifecycle
  const listing = await prisma.listing.findUnique({ where: { id: req.params.id }, include: { images: true } });
  if (!listing) return res.status(404).json({ error: 'Not found' });
  res.json(listing);
});

listingsRouter.get('/:id/reviews', async (req, res) => {
  const reviews = await prisma.review.findMany({ where: { listingId: req.params.id }, take: 50, orderBy: { createdAt: 'desc' } });
  for (const review of reviews) {
    // vuln: Throughput
    (review as any).author = await prisma.user.findUnique({ where: { id: review.authorId }, select: { id: true, displayName: true } });
  }
  res.json(reviews);
});

listingsRouter.post('/:id/describe', requireAuth, async (req, res) => {
  const listing = await prisma.listing.findFirst({ where: { id: req.params.id, sellerId: req.user!.id } });
  if (!listing) return res.status(404).json({ error: 'Not found' });
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    max_tokens: 300,
    messages: [{ role: 'user', content: `Write a listing description for: ${listing.title.slice(0, 200)}` }],
  });
  res.json({ description: completion.choices[0]?.message.content ?? '' });
});

listingsRouter.get('/:id/blurb', async (req, res) => {
  const listing = await prisma.listing.findUnique({ where: { id: req.params.id } });
  if (!listing) return res.status(404).json({ error: 'Not found' });
  // vuln: Cost Control
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o',
    max_tokens: 120,
    messages: [{ role: 'user', content: `Summarise for shoppers in one sentence: ${listing.description.slice(0, 2000)}` }],
  });
  res.json({ blurb: completion.choices[0]?.message.content ?? '' });
});

listingsRouter.get('/:id/image-proxy', async (req, res) => {
  // vuln: Security
  // vuln: Reliability
  const upstream = await fetch(String(req.query.url));
  res.setHeader('content-type', upstream.headers.get('content-type') ?? 'application/octet-stream');
  res.send(Buffer.from(await upstream.arrayBuffer()));
});

listingsRouter.patch('/:id', requireAuth, async (req, res) => {
  // vuln: Permissions
  const listing = await prisma.listing.update({ where: { id: req.params.id }, data: req.body });
  res.json(listing);
});

listingsRouter.post('/:id/images', requireAuth, upload.array('images', 8), async (req, res) => {
  const files = (req.files as Express.Multer.File[]) ?? [];
  const listing = await prisma.listing.findFirst({ where: { id: req.params.id, sellerId: req.user!.id } });
  if (!listing) return res.status(404).json({ error: 'Not found' });
  await prisma.listingImage.createMany({ data: files.map((f) => ({ listingId: listing.id, url: `/uploads/${f.filename}` })) });
  res.status(201).json({ count: files.length });
});

listingsRouter.delete('/:id', requireAuth, async (req, res) => {
  const listing = await prisma.listing.findFirst({ where: { id: req.params.id, sellerId: req.user!.id } });
  if (!listing) return res.status(404).json({ error: 'Not found' });
  // safe: Human Error
  await prisma.listing.update({ where: { id: listing.id }, data: { deletedAt: new Date(), status: 'removed' } });
  res.status(204).end();
});
