import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddInvoiceNumber1716200000000 implements MigrationInterface {
  name = 'AddInvoiceNumber1716200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invoice" ADD "number" integer`);
    await queryRunner.query(`UPDATE "invoice" SET "number" = sub.rn + 1000 FROM (SELECT id, row_number() OVER (PARTITION BY "orgId" ORDER BY "createdAt") AS rn FROM "invoice") sub WHERE sub.id = "invoice".id`);
    await queryRunner.query(`ALTER TABLE "invoice" ALTER COLUMN "number" SET NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // safe: Recovery
    await queryRunner.query(`ALTER TABLE "invoice" DROP COLUMN "number"`);
  }
}
