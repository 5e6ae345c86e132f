import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import { adminRouter } from './routes/admin';
import { authRouter } from './routes/auth';
import { checkoutRouter } from './routes/checkout';
import { ordersRouter } from './routes/orders';
import { productsRouter } from './routes/products';
import { webhooksRouter } from './routes/webhooks';

export function createApp() {
  const app = express();

  app.use(cors({ origin: true, credentials: true }));
  app.use(express.json({ limit: '50mb' }));
  app.use((req, _res, next) => {
    console.log(`${new Date().toISOString()} ${req.method} ${req.originalUrl}`);
    next();
  });

  app.use(authRouter);
  app.use(productsRouter);
  app.use(checkoutRouter);
  app.use(ordersRouter);
  app.use(webhooksRouter);
  app.use(adminRouter);

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'Not found' });
  });

  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    console.error(`Error handling ${req.method} ${req.originalUrl}:`, err);
    res.status(500).json({ error: 'Something went wrong' });
  });

  return app;
}
