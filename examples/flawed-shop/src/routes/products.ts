import { Router } from 'express';
import { COPYWRITER_MODEL, openai } from '../lib/openai';
import { prisma } from '../lib/prisma';
import { requireAdmin, requireAuth } from '../middleware/auth';

export const productsRouter = Router();

const PAGE_SIZE = 24;

interface ProductRow {
  id: string;
  name: string;
  slug: string;
  priceCents: number;
  imageUrl: string | null;
}

interface DescriptionRequest {
  id?: string;
  name: string;
  category?: string;
  features?: string[];
}

productsRouter.get('/products', async (req, res) => {
  const page = Math.max(Number(req.query.page) || 1, 1);
  const category = typeof req.query.category === 'string' ? req.query.category : undefined;

  const products = await prisma.product.findMany({
    where: { active: true, ...(category ? { category } : {}) },
    orderBy: { createdAt: 'desc' },
    take: PAGE_SIZE,
    skip: (page - 1) * PAGE_SIZE,
  });
  res.json({ page, products });
});

productsRouter.get('/products/search', async (req, res) => {
  const term = String(req.query.q ?? '').trim();
  const sort = String(req.query.sort ?? 'name');

  const products = await prisma.$queryRawUnsafe<ProductRow[]>(
    'SELECT id, name, slug, "priceCents", "imageUrl" FROM "Product" ' +
      "WHERE active = true AND (name ILIKE '%" + term + "%' OR description ILIKE '%" + term + "%') " +
      'ORDER BY "' + sort + '" LIMIT 50',
  );
  res.json({ products });
});

productsRouter.get('/products/:id', async (req, res) => {
  const product = await prisma.product.findFirst({
    where: { OR: [{ id: req.params.id }, { slug: req.params.id }], active: true },
  });
  if (!product) {
    res.status(404).json({ error: 'Product not found' });
    return;
  }
  res.json(product);
});

productsRouter.post('/products', requireAuth, requireAdmin, async (req, res) => {
  const { slug, name, description, category, priceCents, weightGrams, imageUrl, stock } = req.body ?? {};
  if (!slug || !name || !Number.isInteger(priceCents) || priceCents <= 0) {
    res.status(400).json({ error: 'slug, name and a positive integer priceCents are required' });
    return;
  }
  const product = await prisma.product.create({
    data: { slug, name, description, category, priceCents, weightGrams, imageUrl, stock },
  });
  res.status(201).json(product);
});

productsRouter.patch('/products/:id', requireAuth, requireAdmin, async (req, res) => {
  const { name, description, category, priceCents, weightGrams, imageUrl, stock, active } = req.body ?? {};
  const product = await prisma.product.update({
    where: { id: String(req.params.id) },
    data: { name, description, category, priceCents, weightGrams, imageUrl, stock, active },
  });
  res.json(product);
});

productsRouter.delete('/products/:id', async (req, res) => {
  await prisma.product.delete({ where: { id: req.params.id } });
  res.status(204).end();
});

productsRouter.post('/products/generate-descriptions', requireAuth, requireAdmin, async (req, res) => {
  const results: Array<{ id?: string; name: string; description: string }> = [];

  for (const p of req.body.products as DescriptionRequest[]) {
    const completion = await openai.chat.completions.create({
      model: COPYWRITER_MODEL,
      messages: [
        {
          role: 'system',
          content: 'You write warm, concise product descriptions (two short paragraphs) for Larkspur Goods, a home and outdoor store.',
        },
        {
          role: 'user',
          content: `Product: ${p.name}\nCategory: ${p.category ?? 'general'}\nFeatures: ${(p.features ?? []).join(', ')}`,
        },
      ],
    });

    const description = completion.choices[0]?.message?.content?.trim() ?? '';
    if (p.id) {
      await prisma.product.update({ where: { id: p.id }, data: { description } });
    }
    results.push({ id: p.id, name: p.name, description });
  }

  res.json({ results });
});
