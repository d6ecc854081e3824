-- Two additions for the verification fast path, so both the API and the page behind the QR code
-- cost one primary-key lookup without a join.
--
-- 1. The remembered signature check of each certificate's credential, on the certificate's own
--    row. checked_sha256 names the credential text the result belongs to: when it differs from
--    credential_sha256 (a new text, or never checked) the result does not apply and the backend
--    checks again. credential_checks stays the memory of results per content hash; these columns
--    are a copy of the one that applies.
-- 2. The few parts of the snapshot that the HTML page shows, as plain values: the title,
--    language, EQF level, workload, ECTS credits, and the statements of the learning outcomes as
--    a JSON array of strings. The page reads them without parsing verify_microcredential, which
--    carries every public element. All are text, so that no snapshot can fail their conversion.
ALTER TABLE certificates
  ADD COLUMN IF NOT EXISTS checked_sha256 CHAR(64) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS checked_valid TINYINT(1) NULL,
  ADD COLUMN IF NOT EXISTS checked_detail VARCHAR(255) NULL,
  ADD COLUMN IF NOT EXISTS verify_title LONGTEXT AS (JSON_VALUE(snapshot, '$.title')) PERSISTENT,
  ADD COLUMN IF NOT EXISTS verify_language LONGTEXT AS (JSON_VALUE(snapshot, '$.language')) PERSISTENT,
  ADD COLUMN IF NOT EXISTS verify_eqf_level LONGTEXT AS (JSON_VALUE(snapshot, '$.eqf_level')) PERSISTENT,
  ADD COLUMN IF NOT EXISTS verify_workload_hours LONGTEXT
    AS (JSON_VALUE(snapshot, '$.workload_hours')) PERSISTENT,
  ADD COLUMN IF NOT EXISTS verify_ects_credits LONGTEXT AS (JSON_VALUE(snapshot, '$.ects_credits')) PERSISTENT,
  ADD COLUMN IF NOT EXISTS verify_outcomes LONGTEXT
    AS (JSON_EXTRACT(snapshot, '$.learning_outcomes[*].statement')) PERSISTENT;

UPDATE certificates c
  JOIN credential_checks cc ON cc.content_sha256 = c.credential_sha256
  SET c.checked_sha256 = cc.content_sha256, c.checked_valid = cc.signature_valid,
      c.checked_detail = cc.detail
  WHERE c.checked_sha256 IS NULL;
