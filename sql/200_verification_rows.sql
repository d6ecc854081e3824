-- The verification fast path reads two small tables instead of the certificates row.
--
-- A row of certificates contains the snapshot, the signed credential and the public parts copied
-- out of the snapshot: about 7 KiB inside the row and a page of its own for the credential. Two
-- such rows fill a 16 KiB page, so verifications of 100,000 certificates drawn at random need
-- about 1.1 GiB of pages in the buffer pool, and each one that misses reads a page from disk.
-- Here the same replies come from:
--
-- 1. certificate_public_parts: the public parts of a snapshot, that is the micro-credential's
--    elements, the promoting organisation, the issuer's name and the few values the page shows.
--    A row is named by the SHA-256 of that content and by `copy`, the id of the certificate that
--    first wrote it. Every certificate of one version of a micro-credential shares one row.
--    The exception: transactions that issue the same new content at the same time each write a
--    copy. A transaction never waits for a row that another one has not committed, so a bulk job
--    of a new version does not hold up single issues of it.
-- 2. certificate_verifications: per certificate, the holder's name, the dates, the revocation,
--    the withdrawal and the remembered signature check, about 180 bytes, with the name of its
--    public parts.
--
-- Triggers on certificates keep both inside the transaction of every change, whatever code
-- path or hand-written statement makes it, so the backend never writes them itself. TRUNCATE
-- fires no trigger: empty both tables with it. A later migration that changes a verify_*
-- expression must fill both tables again, because rows change only when they are written.
-- Public parts are never deleted, since they contain no personal data and other certificates may
-- share them. Every statement can run again, should the migration stop half-way.
--
-- The backfill at the end reads every certificate with shared locks, so writes to certificates
-- wait while it runs: 20 to 30 s per 100,000 certificates on a 2-core development machine.

ALTER TABLE certificates
  ADD COLUMN IF NOT EXISTS verify_parts_sha256 CHAR(64) CHARACTER SET ascii
    AS (SHA2(JSON_ARRAY(verify_microcredential, verify_organisation, verify_issuer_name,
      verify_title, verify_language, verify_eqf_level, verify_workload_hours, verify_ects_credits,
      verify_outcomes), 256))
    VIRTUAL;

CREATE TABLE IF NOT EXISTS certificate_public_parts (
  sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  copy CHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  microcredential LONGTEXT,
  organisation LONGTEXT,
  issuer_name VARCHAR(255),
  title LONGTEXT,
  language LONGTEXT,
  eqf_level LONGTEXT,
  workload_hours LONGTEXT,
  ects_credits LONGTEXT,
  outcomes LONGTEXT,
  PRIMARY KEY (sha256, copy)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- has_credential and signature_valid are the two conditions that the fast path used to compute
-- from credential_sha256 and checked_sha256: whether a credential is stored, and the remembered
-- check when it belongs to that exact credential text (NULL otherwise).
CREATE TABLE IF NOT EXISTS certificate_verifications (
  id CHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  parts_sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  parts_copy CHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  holder_name VARCHAR(200) NOT NULL,
  issued_at DATETIME(6) NOT NULL,
  awarded_on DATE NULL,
  valid_until DATETIME(6) NULL,
  revoked_at DATETIME(6) NULL,
  revocation_reason VARCHAR(1000) NULL,
  withdrawn_at DATETIME(6) NULL,
  has_credential TINYINT(1) NOT NULL,
  signature_valid TINYINT(1) NULL,
  checked_detail VARCHAR(255) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Both triggers look for committed public parts of the new content with SELECT ... INTO, which
-- InnoDB serves from the transaction's snapshot without locking, and write a copy of their own
-- when they see none. A subquery in DECLARE ... DEFAULT or SET would be a locking read inside an
-- UPDATE and wait for the other transaction (tried on MariaDB 10.11).
CREATE OR REPLACE TRIGGER certificate_verifications_insert AFTER INSERT ON certificates
  FOR EACH ROW
BEGIN
  DECLARE parts CHAR(64) CHARACTER SET ascii DEFAULT NEW.verify_parts_sha256;
  DECLARE owner CHAR(20) CHARACTER SET ascii COLLATE ascii_bin;

  SELECT MIN(copy) INTO owner FROM certificate_public_parts WHERE sha256 = parts;

  IF owner IS NULL THEN
    SET owner = NEW.id;
    INSERT IGNORE INTO certificate_public_parts (sha256, copy, microcredential, organisation,
        issuer_name, title, language, eqf_level, workload_hours, ects_credits, outcomes)
      VALUES (parts, owner, NEW.verify_microcredential, NEW.verify_organisation,
        NEW.verify_issuer_name, NEW.verify_title, NEW.verify_language, NEW.verify_eqf_level,
        NEW.verify_workload_hours, NEW.verify_ects_credits, NEW.verify_outcomes);
  END IF;
  INSERT INTO certificate_verifications (id, parts_sha256, parts_copy, holder_name, issued_at,
      awarded_on, valid_until, revoked_at, revocation_reason, withdrawn_at, has_credential,
      signature_valid, checked_detail)
    VALUES (NEW.id, parts, owner, NEW.holder_name, NEW.issued_at, NEW.awarded_on,
      NEW.valid_until, NEW.revoked_at, NEW.revocation_reason, NEW.withdrawn_at,
      NEW.credential_sha256 IS NOT NULL,
      IF(NEW.checked_sha256 = NEW.credential_sha256, NEW.checked_valid, NULL), NEW.checked_detail);
END;

-- The parts are looked up on every update, not only when the snapshot changed, so that a row
-- whose parts were computed by another expression still finds, or writes, parts that exist.
CREATE OR REPLACE TRIGGER certificate_verifications_update AFTER UPDATE ON certificates
  FOR EACH ROW
BEGIN
  DECLARE parts CHAR(64) CHARACTER SET ascii DEFAULT NEW.verify_parts_sha256;
  DECLARE owner CHAR(20) CHARACTER SET ascii COLLATE ascii_bin;

  SELECT MIN(copy) INTO owner FROM certificate_public_parts WHERE sha256 = parts;

  IF owner IS NULL THEN
    SET owner = NEW.id;
    INSERT IGNORE INTO certificate_public_parts (sha256, copy, microcredential, organisation,
        issuer_name, title, language, eqf_level, workload_hours, ects_credits, outcomes)
      VALUES (parts, owner, NEW.verify_microcredential, NEW.verify_organisation,
        NEW.verify_issuer_name, NEW.verify_title, NEW.verify_language, NEW.verify_eqf_level,
        NEW.verify_workload_hours, NEW.verify_ects_credits, NEW.verify_outcomes);
  END IF;
  UPDATE certificate_verifications
    SET id = NEW.id, parts_sha256 = parts, parts_copy = owner, holder_name = NEW.holder_name,
      issued_at = NEW.issued_at, awarded_on = NEW.awarded_on, valid_until = NEW.valid_until,
      revoked_at = NEW.revoked_at, revocation_reason = NEW.revocation_reason,
      withdrawn_at = NEW.withdrawn_at, has_credential = NEW.credential_sha256 IS NOT NULL,
      signature_valid = IF(NEW.checked_sha256 = NEW.credential_sha256, NEW.checked_valid, NULL),
      checked_detail = NEW.checked_detail
    WHERE id = OLD.id;
END;

CREATE OR REPLACE TRIGGER certificate_verifications_delete AFTER DELETE ON certificates
  FOR EACH ROW
  DELETE FROM certificate_verifications WHERE id = OLD.id;

-- The certificates issued before this migration: one copy of each distinct content, written by
-- the certificate with the smallest id.
INSERT IGNORE INTO certificate_public_parts (sha256, copy, microcredential, organisation,
    issuer_name, title, language, eqf_level, workload_hours, ects_credits, outcomes)
  SELECT c.verify_parts_sha256, c.id, c.verify_microcredential, c.verify_organisation,
    c.verify_issuer_name, c.verify_title, c.verify_language, c.verify_eqf_level,
    c.verify_workload_hours, c.verify_ects_credits, c.verify_outcomes
  FROM certificates c
  JOIN (SELECT verify_parts_sha256 AS sha256, MIN(id) AS first_id FROM certificates
        GROUP BY verify_parts_sha256) f ON f.first_id = c.id
  WHERE NOT EXISTS (SELECT 1 FROM certificate_public_parts p
                    WHERE p.sha256 = c.verify_parts_sha256);

INSERT IGNORE INTO certificate_verifications (id, parts_sha256, parts_copy, holder_name,
    issued_at, awarded_on, valid_until, revoked_at, revocation_reason, withdrawn_at,
    has_credential, signature_valid, checked_detail)
  SELECT c.id, c.verify_parts_sha256,
    (SELECT MIN(p.copy) FROM certificate_public_parts p WHERE p.sha256 = c.verify_parts_sha256),
    c.holder_name, c.issued_at, c.awarded_on, c.valid_until, c.revoked_at, c.revocation_reason,
    c.withdrawn_at, c.credential_sha256 IS NOT NULL,
    IF(c.checked_sha256 = c.credential_sha256, c.checked_valid, NULL), c.checked_detail
  FROM certificates c;
