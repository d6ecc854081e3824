-- Bulk jobs claimed by worker threads, and progress writes that do not wait for the issuing
-- transaction.

-- claimed_by names the process and thread that runs the job ("host:pid:thread"); lease_until is
-- when the claim lapses unless that worker renews it. A running job whose lease has lapsed
-- belongs to a worker that died, and any worker may take it over. attempts counts the claims.
ALTER TABLE bulk_jobs
  ADD COLUMN claimed_by VARCHAR(100) NULL,
  ADD COLUMN lease_until DATETIME(6) NULL,
  ADD COLUMN attempts INT UNSIGNED NOT NULL DEFAULT 0,
  ADD KEY bulk_jobs_lease (status, lease_until),
  ADD KEY bulk_jobs_organisation (organisation_id, created_at);

-- InnoDB checks a foreign key by taking a shared lock on the parent row. The issuing transaction
-- of a job inserts thousands of certificates that point at their bulk_jobs row, so with the
-- constraint it would hold that lock until its commit, and the worker's second connection could
-- not write the job's progress to the same row. The column keeps its index.
ALTER TABLE certificates DROP FOREIGN KEY certificates_bulk_job;
