import { Body, Controller, Delete, Get, Module, Param, ParseUUIDPipe, Post, Query, Req, UseGuards } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IsArray, IsDateString, IsUUID } from 'class-validator';
import { JwtAuthGuard, Roles, RolesGuard } from '../auth/jwt-auth.guard';
import { Customer } from '../customers/customer.entity';
import { MailerService } from '../reports/mailer.service';
import { Invoice, InvoiceLine } from './invoice.entity';
import { InvoicesService } from './invoices.service';

class CreateInvoiceDto {
  @IsUUID() customerId!: string;
  @IsDateString() dueDate!: string;
  @IsArray() lines!: { description: string; quantity: number; unitPriceCents: number }[];
}

@UseGuards(JwtAuthGuard, RolesGuard)
@Controller('invoices')
export class InvoicesController {
  constructor(private readonly service: InvoicesService) {}

  @Get()
  list(@Req() req: any, @Query('customerId') customerId?: string) {
    return this.service.list(req.user.orgId, customerId);
  }

  @Get('by-customer/:customerId')
  byCustomer(@Param('customerId', ParseUUIDPipe) customerId: string) {
    return this.service.listForCustomer(customerId);
  }

  @Get(':id')
  findOne(@Req() req: any, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.findOne(req.user.orgId, id);
  }

  @Post()
  create(@Req() req: any, @Body() dto: CreateInvoiceDto) {
    return this.service.create(req.user.orgId, dto);
  }

  @Post(':id/send')
  send(@Req() req: any, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.send(req.user.orgId, id);
  }

  // safe: Permissions
  @Roles('admin', 'accountant')
  @Post(':id/void')
  void(@Req() req: any, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.voidInvoice(req.user.orgId, id);
  }

  @Post('import')
  import(@Req() req: any, @Body('csv') csv: string) {
    return this.service.importCsv(req.user.orgId, csv);
  }

  @Delete(':id')
  remove(@Req() req: any, @Param('id', ParseUUIDPipe) id: string) {
    return this.service.remove(req.user.orgId, id);
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([Invoice, InvoiceLine, Customer])],
  controllers: [InvoicesController],
  providers: [InvoicesService, MailerService],
  exports: [InvoicesService],
})
export class InvoicesModule {}
