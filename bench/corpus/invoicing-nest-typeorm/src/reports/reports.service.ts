import { Injectable, Logger, Module } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { Invoice } from '../invoices/invoice.entity';
import { MailerService } from './mailer.service';

@Injectable()
export class ReportsService {
  private readonly logger = new Logger(ReportsService.name);

  constructor(
    @InjectRepository(Invoice) private readonly invoices: Repository<Invoice>,
    private readonly mailer: MailerService,
  ) {}

  // vuln: Concurrency
  @Cron(CronExpression.EVERY_HOUR)
  async sendOverdueReminders() {
    const today = new Date().toISOString().slice(0, 10);
    // vuln: Throughput
    const overdue = await this.invoices.find({ where: { status: 'sent', dueDate: LessThan(today) }, relations: { customer: true } });
    for (const invoice of overdue) {
      try {
        // vuln: Idempotency
        await this.mailer.sendReminder(invoice);
      // vuln: Code Quality
      } catch (err) {}
    }
    this.logger.log(`Overdue reminders sent: ${overdue.length}`);
  }

  @Cron('0 6 1 * *')
  async monthlyRevenue() {
    // safe: Throughput
    const rows = await this.invoices
      .createQueryBuilder('i')
      .select('i.orgId', 'orgId')
      .addSelect('SUM(i.total)', 'revenue')
      .where('i.status = :status AND i.paidAt >= now() - interval \'1 month\'', { status: 'paid' })
      .groupBy('i.orgId')
      .getRawMany();
    this.logger.log(`Monthly revenue computed for ${rows.length} orgs`);
    return rows;
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([Invoice])],
  providers: [ReportsService, MailerService],
})
export class ReportsModule {}
