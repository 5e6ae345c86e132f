-- Rollback for 20250317150000_task_status. IN_PROGRESS has no equivalent in the old
-- schema and maps back to done = false.

ALTER TABLE "Task" ADD COLUMN "done" BOOLEAN NOT NULL DEFAULT false;

UPDATE "Task" SET "done" = true WHERE "status" = 'DONE';

ALTER TABLE "Task" DROP COLUMN "status";

DROP TYPE "TaskStatus";
