-- The runs list (runs.ts listRuns) is newest first, with or without a status filter:
-- ORDER BY created_at DESC, id DESC LIMIT n. With an index on status alone, PostgreSQL
-- read every run of the wanted statuses (or the whole table) and sorted them; among
-- thousands of finished runs that was a sequential scan on every page of the list.
-- Either index below hands the newest runs over in order, and the first also serves
-- whatever the status-only index did (counts and lists by status), so it replaces it.

-- DropIndex
DROP INDEX "runs_status_idx";

-- CreateIndex
CREATE INDEX "runs_status_created_at_id_idx" ON "runs"("status", "created_at", "id");

-- CreateIndex
CREATE INDEX "runs_created_at_id_idx" ON "runs"("created_at", "id");
