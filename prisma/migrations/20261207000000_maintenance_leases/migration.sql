-- Leases on background chores shared by every replica (pruning finished runs): one row per
-- chore, taken when free or expired and renewed by its holder, so that one replica at a time
-- does the chore. A row rather than an advisory lock: the pool does not pin a session, and the
-- same statement works on PostgreSQL and the embedded PGlite.

-- CreateTable
CREATE TABLE "maintenance_leases" (
    "name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "maintenance_leases_pkey" PRIMARY KEY ("name")
);
