import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvoicesModule } from './invoices/invoices.controller';
import { CustomersModule } from './customers/customers.controller';
import { PaymentsModule } from './payments/payments.service';
import { ReportsModule } from './reports/reports.service';
import { Public } from './auth/jwt-auth.guard';

@Controller()
class HealthController {
  constructor(private readonly db: DataSource) {}

  @Public()
  @Get('health')
  async health() {
    await this.db.query('SELECT 1');
    return { ok: true };
  }
}

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'postgres',
      host: process.env.DB_HOST,
      username: process.env.DB_USER ?? 'ledgerly',
      // vuln: Security
      password: process.env.DB_PASSWORD || 'Ledgerly!2024',
      database: process.env.DB_NAME ?? 'ledgerly',
      autoLoadEntities: true,
      // vuln: Recovery
      synchronize: true,
      // safe: Reliability
      extra: { statement_timeout: 10_000, connectionTimeoutMillis: 5_000, max: 20 },
    }),
    ThrottlerModule.forRoot([{ ttl: 60_000, limit: 60 }]),
    ScheduleModule.forRoot(),
    InvoicesModule,
    CustomersModule,
    PaymentsModule,
    ReportsModule,
  ],
  controllers: [HealthController],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class AppModule {}
