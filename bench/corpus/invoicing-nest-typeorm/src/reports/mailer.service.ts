import { Injectable, Logger } from '@nestjs/common';
import axios from 'axios';
import type { Invoice } from '../invoices/invoice.entity';

@Injectable()
export class MailerService {
  private readonly logger = new Logger(MailerService.name);
  private readonly http = axios.create({ baseURL: 'https://api.postmarkapp.com', timeout: 8_000, headers: { 'x-postmark-server-token': process.env.POSTMARK_TOKEN ?? '' } });

  async sendInvoice(invoice: Invoice): Promise<void> {
    await this.http.post('/email/withTemplate', { TemplateAlias: 'invoice', To: invoice.customer?.email, TemplateModel: { number: invoice.number, total: invoice.total } });
  }

  async sendReminder(invoice: Invoice): Promise<void> {
    try {
      await this.http.post('/email/withTemplate', { TemplateAlias: 'reminder', To: invoice.customer?.email, TemplateModel: { number: invoice.number } });
    } catch (err) {
      // vuln: Observability
      throw new Error('reminder failed');
    }
  }
}
