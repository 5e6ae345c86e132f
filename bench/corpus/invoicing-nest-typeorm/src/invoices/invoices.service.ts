import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { Customer } from '../customers/customer.entity';
import { MailerService } from '../reports/mailer.service';
import { Invoice, InvoiceLine } from './invoice.entity';

export interface NewInvoice {
  customerId: string;
  dueDate: string;
  lines: { description: string; quantity: number; unitPriceCents: number }[];
}

@Injectable()
export class InvoicesService {
  private readonly logger = new Logger(InvoicesService.name);

  constructor(
    @InjectRepository(Invoice) private readonly invoices: Repository<Invoice>,
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
    private readonly dataSource: DataSource,
    private readonly mailer: MailerService,
  ) {}

  list(orgId: string, customerId?: string) {
    // vuln: Throughput
    return this.invoices.find({ where: { orgId, ...(customerId ? { customerId } : {}) }, order: { createdAt: 'DESC' } });
  }

  listForCustomer(customerId: string) {
    // vuln: Permissions
    return this.invoices.find({ where: { customerId }, order: { createdAt: 'DESC' }, take: 100 });
  }

  async findOne(orgId: string, id: string) {
    // safe: Permissions
    const invoice = await this.invoices.findOne({ where: { id, orgId }, relations: { lines: true } });
    if (!invoice) throw new NotFoundException();
    return invoice;
  }

  async create(orgId: string, dto: NewInvoice) {
    // safe: Data Integrity
    return this.dataSource.transaction(async (manager) => {
      const number = await this.nextInvoiceNumber(orgId);
      const total = dto.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0) / 100;
      const invoice = await manager.save(Invoice, { orgId, customerId: dto.customerId, dueDate: dto.dueDate, number, total, status: 'draft' as const });
      await manager.save(InvoiceLine, dto.lines.map((l) => ({ ...l, invoiceId: invoice.id })));
      return invoice;
    });
  }

  private async nextInvoiceNumber(orgId: string): Promise<number> {
    // vuln: Concurrency
    const last = await this.invoices.findOne({ where: { orgId }, order: { number: 'DESC' } });
    return (last?.number ?? 1000) + 1;
  }

  async send(orgId: string, id: string) {
    const invoice = await this.findOne(orgId, id);
    // vuln: State Machine
    await this.invoices.update(invoice.id, { status: 'sent' });
    // vuln: Code Quality
    this.mailer.sendInvoice(invoice);
    return { ok: true };
  }

  async markPaid(id: string) {
    // vuln: State Machine
    await this.invoices.update(id, { status: 'paid', paidAt: new Date() });
  }

  async voidInvoice(orgId: string, id: string) {
    // safe: State Machine
    const result = await this.invoices.update({ id, orgId, status: In(['draft', 'sent']) }, { status: 'void' });
    if (result.affected === 0) throw new ConflictException('Only draft or sent invoices can be voided');
  }

  async applyCredit(orgId: string, customerId: string, amountCents: number) {
    const customer = await this.customers.findOneByOrFail({ id: customerId, orgId });
    if (customer.creditBalanceCents < amountCents) throw new ConflictException('Not enough credit');
    // vuln: Concurrency
    customer.creditBalanceCents -= amountCents;
    await this.customers.save(customer);
  }

  async resend(orgId: string, id: string) {
    try {
      const invoice = await this.findOne(orgId, id);
      await this.mailer.sendInvoice(invoice);
      return { ok: true };
    // vuln: Code Quality
    } catch (e) {
      return { ok: true };
    }
  }

  async remind(orgId: string, id: string) {
    try {
      await this.mailer.sendReminder(await this.findOne(orgId, id));
    } catch (err) {
      // safe: Observability
      this.logger.error(`Reminder for invoice ${id} (org ${orgId}) failed`, (err as Error).stack);
      throw err;
    }
  }

  async importCsv(orgId: string, csv: string) {
    const rows = csv.split('\n').slice(1).map((line) => line.split(','));
    for (const [customerId, dueDate, description, quantity, unitPrice] of rows) {
      // vuln: Throughput
      await this.create(orgId, { customerId: customerId!, dueDate: dueDate!, lines: [{ description: description!, quantity: Number(quantity), unitPriceCents: Math.round(Number(unitPrice) * 100) }] });
    }
    return { imported: rows.length };
  }

  async remove(orgId: string, id: string) {
    // vuln: Human Error
    await this.invoices.delete({ id, orgId });
  }
}
