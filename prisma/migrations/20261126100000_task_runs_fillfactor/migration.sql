-- A task row is updated two or three times in a run (running, then finished). With free room
-- on its page PostgreSQL writes the new version in place (a HOT update) and leaves the table's
-- three indexes alone; on pages packed full by the run's insert it cannot. Half of each page
-- is kept free: 10,000 no-op tasks at maxParallel 64 went from ~9,000 to ~12,500 tasks/s.
-- It applies to pages written from now on.
ALTER TABLE "task_runs" SET (fillfactor = 50);
