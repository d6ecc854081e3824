-- The learner's wallet, erasure of a holder's personal data, and bulk issuing from CSV files.

-- holder_email_key: the holder's e-mail in lower case, so the wallet and the bulk idempotency
-- check find certificates whatever case the issuer typed.
-- withdrawn_at: the holder's personal data was erased at their request; holder_name and
-- holder_email are then empty and the signed credential is gone.
-- bulk_reference: set only on certificates issued by a bulk job, to the external reference of
-- the row or '' when the row had none. With the unique key, one (micro-credential, e-mail,
-- reference) is issued once however often the same file is uploaded.
ALTER TABLE certificates
  ADD COLUMN holder_email_key VARCHAR(254) COLLATE utf8mb4_bin AS (LOWER(holder_email)) PERSISTENT,
  ADD COLUMN withdrawn_at DATETIME(6) NULL,
  ADD COLUMN bulk_job_id BIGINT UNSIGNED NULL,
  ADD COLUMN bulk_reference VARCHAR(100) NULL,
  ADD COLUMN evidence_url VARCHAR(500) NULL,
  ADD KEY certificates_holder_email (holder_email_key),
  ADD UNIQUE KEY certificates_bulk_row (microcredential_id, holder_email_key, bulk_reference);

-- One upload of a CSV file to issue. The file is kept only until the job ends, because it holds
-- names and e-mail addresses. progress counts the rows done so far and is written by the worker
-- from outside its issuing transaction.
CREATE TABLE bulk_jobs (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  microcredential_id BIGINT UNSIGNED NOT NULL,
  organisation_id BIGINT UNSIGNED NOT NULL,
  created_by BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  started_at DATETIME(6) NULL,
  finished_at DATETIME(6) NULL,
  status ENUM('queued', 'running', 'succeeded', 'failed') NOT NULL DEFAULT 'queued',
  csv LONGBLOB NULL,
  total_rows INT UNSIGNED NOT NULL DEFAULT 0,
  done_rows INT UNSIGNED NOT NULL DEFAULT 0,
  issued_count INT UNSIGNED NOT NULL DEFAULT 0,
  skipped_count INT UNSIGNED NOT NULL DEFAULT 0,
  failed_line INT UNSIGNED NULL,
  error VARCHAR(500) NULL,
  -- [{"line": 2, "result": "issued" | "skipped" | "failed", "certificate_id": "...", "message": "..."}]
  results LONGTEXT NULL CHECK (results IS NULL OR JSON_VALID(results)),
  KEY bulk_jobs_status (status, created_at),
  CONSTRAINT bulk_jobs_microcredential FOREIGN KEY (microcredential_id)
    REFERENCES microcredentials (id),
  CONSTRAINT bulk_jobs_created_by FOREIGN KEY (created_by) REFERENCES users (id)
) ENGINE=InnoDB;

ALTER TABLE certificates
  ADD CONSTRAINT certificates_bulk_job FOREIGN KEY (bulk_job_id) REFERENCES bulk_jobs (id);
