-- Replace Task.done with a three-state status. Existing rows are backfilled before the
-- old column is dropped; down.sql restores "done" from "status".

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('TODO', 'IN_PROGRESS', 'DONE');

-- AlterTable
ALTER TABLE "Task" ADD COLUMN "status" "TaskStatus" NOT NULL DEFAULT 'TODO';

-- Backfill
UPDATE "Task" SET "status" = 'DONE' WHERE "done" = true;

-- AlterTable
ALTER TABLE "Task" DROP COLUMN "done";
