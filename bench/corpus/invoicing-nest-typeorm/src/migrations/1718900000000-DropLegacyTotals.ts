import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DropLegacyTotals1718900000000 implements MigrationInterface {
  name = 'DropLegacyTotals1718900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // vuln: Recovery
    await queryRunner.query(`ALTER TABLE "invoice" DROP COLUMN "legacy_total_cents"`);
    // vuln: Recovery
    await queryRunner.query(`ALTER TABLE "customer" RENAME COLUMN "vat_number" TO "taxId"`);
    await queryRunner.query(`ALTER TABLE "invoice" ADD "currency" varchar(3) NOT NULL DEFAULT 'EUR'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // safe: Recovery
    await queryRunner.query(`ALTER TABLE "invoice" DROP COLUMN "currency"`);
    await queryRunner.query(`ALTER TABLE "customer" RENAME COLUMN "taxId" TO "vat_number"`);
  }
}
