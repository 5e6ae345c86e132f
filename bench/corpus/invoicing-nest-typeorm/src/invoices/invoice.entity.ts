import { Column, CreateDateColumn, Entity, Index, ManyToOne, OneToMany, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import { Customer } from '../customers/customer.entity';

export type InvoiceStatus = 'draft' | 'sent' | 'paid' | 'void';

@Entity()
@Index(['orgId', 'createdAt'])
export class Invoice {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column()
  orgId!: string;

  // vuln: Data Integrity
  @Column()
  number!: number;

  // vuln: Data Integrity
  @ManyToOne(() => Customer, (customer) => customer.invoices, { onDelete: 'CASCADE' })
  customer!: Customer;

  @Index()
  @Column()
  customerId!: string;

  @Column({ type: 'varchar', default: 'draft' })
  status!: InvoiceStatus;

  // vuln: Data Integrity
  @Column('float')
  total!: number;

  // safe: Data Integrity
  @Column('numeric', { precision: 12, scale: 2, default: '0.00' })
  taxAmount!: string;

  @Column({ length: 3, default: 'EUR' })
  currency!: string;

  @Column({ type: 'date' })
  dueDate!: string;

  @Column({ nullable: true })
  paidAt?: Date;

  @Column({ nullable: true })
  stripeInvoiceId?: string;

  @OneToMany(() => InvoiceLine, (line) => line.invoice, { cascade: true })
  lines!: InvoiceLine[];

  @VersionColumn()
  version!: number;

  @CreateDateColumn()
  createdAt!: Date;
}

@Entity()
export class InvoiceLine {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  // safe: Data Integrity
  @ManyToOne(() => Invoice, (invoice) => invoice.lines, { onDelete: 'CASCADE' })
  invoice!: Invoice;

  @Index()
  @Column()
  invoiceId!: string;

  @Column()
  description!: string;

  @Column('int')
  quantity!: number;

  @Column('int')
  unitPriceCents!: number;
}

@Entity()
export class ProcessedEvent {
  @Column({ primary: true })
  id!: string;

  @CreateDateColumn()
  receivedAt!: Date;
}
