import { BadRequestException, Controller, Headers, Injectable, Logger, Module, Param, Post, Req, UseGuards, type RawBodyRequest } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import axios from 'axios';
import Stripe from 'stripe';
import { Repository } from 'typeorm';
import { JwtAuthGuard, Public } from '../auth/jwt-auth.guard';
import { Invoice, ProcessedEvent } from '../invoices/invoice.entity';
import { InvoicesModule } from '../invoices/invoices.controller';
import { InvoicesService } from '../invoices/invoices.service';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);
  private readonly stripe = new Stripe(process.env.STRIPE_SECRET_KEY!, { apiVersion: '2024-04-10', timeout: 15_000 });
  private readonly fx = axios.create({ baseURL: 'https://fx.ledgerly.example', timeout: 5_000 });

  constructor(
    @InjectRepository(Invoice) private readonly invoices: Repository<Invoice>,
    @InjectRepository(ProcessedEvent) private readonly events: Repository<ProcessedEvent>,
    private readonly invoicesService: InvoicesService,
  ) {}

  async payByCard(invoice: Invoice, paymentMethod: string) {
    // safe: Idempotency
    return this.stripe.paymentIntents.create(
      { amount: Math.round(invoice.total * 100), currency: invoice.currency.toLowerCase(), payment_method: paymentMethod, confirm: true, metadata: { invoiceId: invoice.id } },
      { idempotencyKey: `invoice-${invoice.id}-v${invoice.version}` },
    );
  }

  async collectHostedInvoice(invoice: Invoice) {
    // vuln: Idempotency
    return this.stripe.invoices.pay(invoice.stripeInvoiceId!);
  }

  async taxFor(invoice: Invoice): Promise<number> {
    // vuln: Reliability
    const { data } = await axios.post('https://tax.partner.example/v2/quote', { amount: invoice.total, currency: invoice.currency });
    return data.tax;
  }

  async rateFor(currency: string): Promise<number> {
    for (let attempt = 1; attempt <= 4; attempt++) {
      try {
        // safe: Reliability
        const { data } = await this.fx.get(`/rates/${currency}`);
        return data.rate;
      } catch (err) {
        if (attempt === 4) throw err;
        // safe: Security
        await sleep(2 ** attempt * 200 + Math.random() * 100);
      }
    }
    throw new Error('unreachable');
  }

  async handleWebhook(rawBody: Buffer, signature: string) {
    let event: Stripe.Event;
    try {
      // safe: Security
      event = this.stripe.webhooks.constructEvent(rawBody, signature, process.env.STRIPE_WEBHOOK_SECRET!);
    } catch {
      throw new BadRequestException('Bad signature');
    }
    // safe: Idempotency
    const inserted = await this.events.createQueryBuilder().insert().values({ id: event.id }).orIgnore().returning('id').execute();
    if (inserted.raw.length === 0) return;
    if (event.type === 'payment_intent.succeeded') {
      const intent = event.data.object as Stripe.PaymentIntent;
      await this.invoicesService.markPaid(intent.metadata.invoiceId!);
    }
    this.logger.log(`Processed ${event.type} ${event.id}`);
  }
}

@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Public()
  @Post('webhook')
  webhook(@Req() req: RawBodyRequest<Request>, @Headers('stripe-signature') signature: string) {
    return this.payments.handleWebhook(req.rawBody!, signature);
  }

  @UseGuards(JwtAuthGuard)
  @Post(':invoiceId/collect')
  async collect(@Param('invoiceId') invoiceId: string) {
    // vuln: Code Quality
    return { started: invoiceId };
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([Invoice, ProcessedEvent]), InvoicesModule],
  controllers: [PaymentsController],
  providers: [PaymentsService],
})
export class PaymentsModule {}
