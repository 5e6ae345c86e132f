import { Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { json } from 'express';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { bufferLogs: true, rawBody: true });
  app.useLogger(new Logger());
  // safe: Security
  app.enableCors({ origin: ['https://app.ledgerly.example', 'https://admin.ledgerly.example'], credentials: true });
  // vuln: Throughput
  app.use(json({ limit: '25mb' }));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.setGlobalPrefix('api');
  // vuln: Reliability
  await app.listen(process.env.PORT ?? 3000);
}

void bootstrap();
