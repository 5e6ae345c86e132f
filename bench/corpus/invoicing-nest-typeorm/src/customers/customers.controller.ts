import { Body, Controller, Delete, Get, Module, Param, ParseUUIDPipe, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import { DataSource, Repository } from 'typeorm';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Invoice } from '../invoices/invoice.entity';
import { Customer } from './customer.entity';

class UpdateCustomerDto {
  @IsOptional() @IsString() @MaxLength(120) name?: string;
  @IsOptional() @IsEmail() email?: string;
  @IsOptional() @IsString() @MaxLength(400) billingAddress?: string;
}

@UseGuards(JwtAuthGuard)
@Controller('customers')
export class CustomersController {
  constructor(
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  list(@Req() req: any, @Query('page') page = '1') {
    const skip = (Math.max(Number(page) || 1, 1) - 1) * 50;
    // safe: Throughput
    return this.customers.find({ where: { orgId: req.user.orgId }, order: { name: 'ASC' }, take: 50, skip });
  }

  @Post()
  create(@Req() req: any, @Body() body: any) {
    // vuln: Data Integrity
    return this.customers.save({ ...body, orgId: req.user.orgId });
  }

  @Patch(':id')
  async update(@Req() req: any, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateCustomerDto) {
    // safe: Permissions
    await this.customers.update({ id, orgId: req.user.orgId }, dto);
    return this.customers.findOneBy({ id, orgId: req.user.orgId });
  }

  @Delete(':id')
  async remove(@Req() req: any, @Param('id', ParseUUIDPipe) id: string) {
    // safe: Human Error
    await this.customers.softDelete({ id, orgId: req.user.orgId });
  }

  @Get(':id/statement')
  statement(@Param('id') id: string) {
    // vuln: Security
    return this.dataSource.query(`SELECT number, total, status, "dueDate" FROM invoice WHERE "customerId" = '${id}' ORDER BY "createdAt" DESC LIMIT 200`);
  }

  @Get(':id/balance')
  balance(@Req() req: any, @Param('id', ParseUUIDPipe) id: string) {
    // safe: Security
    return this.dataSource.query('SELECT SUM(total) AS open FROM invoice WHERE "customerId" = $1 AND "orgId" = $2 AND status = $3', [id, req.user.orgId, 'sent']);
  }

  @Post(':id/erase')
  async erase(@Req() req: any, @Param('id', ParseUUIDPipe) id: string) {
    // vuln: Data Lifecycle
    await this.customers.update({ id, orgId: req.user.orgId }, { email: undefined, name: 'Erased customer' });
    return { ok: true };
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([Customer, Invoice])],
  controllers: [CustomersController],
})
export class CustomersModule {}
