-- Rollback for 20250224113000_soft_delete. Run by hand (psql -f) only after rolling the
-- application back to a release that does not read deletedAt; soft-deleted rows become visible again.

ALTER TABLE "Task" DROP COLUMN "deletedAt";

ALTER TABLE "Project" DROP COLUMN "deletedAt";
