import { Column, CreateDateColumn, DeleteDateColumn, Entity, Index, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Invoice } from '../invoices/invoice.entity';

@Entity()
@Index(['orgId', 'email'], { unique: true })
export class Customer {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column()
  orgId!: string;

  @Column()
  name!: string;

  @Column({ nullable: true })
  email?: string;

  @Column({ nullable: true })
  billingAddress?: string;

  @Column({ nullable: true })
  taxId?: string;

  @Column('int', { default: 0 })
  creditBalanceCents!: number;

  @Column({ nullable: true })
  stripeCustomerId?: string;

  @OneToMany(() => Invoice, (invoice) => invoice.customer)
  invoices!: Invoice[];

  @DeleteDateColumn()
  deletedAt?: Date;

  @CreateDateColumn()
  createdAt!: Date;
}
