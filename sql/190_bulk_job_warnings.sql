-- The warnings of the check that queued a bulk job, kept with the job so that
-- GET /api/v1/bulk-issues/{id} repeats them after the reply that created it.
--
-- warnings: the JSON array of the check's warnings, [{"code": "unknown_columns", "field": "body",
-- "columns": ["Notes"], "message": "..."}], or [] when there were none; written in the transaction
-- that inserts the job. NULL for jobs queued before this migration, which the API shows as [].
-- It contains only header cells of the file, not the rows of holders, so unlike csv it stays after
-- the job ends.
ALTER TABLE bulk_jobs
  ADD COLUMN IF NOT EXISTS warnings LONGTEXT NULL CHECK (warnings IS NULL OR JSON_VALID(warnings));
