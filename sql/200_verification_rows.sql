-- The verification fast path reads two small tables instead of the certificates row.
--
-- A row of certificates contains the snapshot, the signed credential and the public parts copied
-- out of the snapshot: about 7 KiB inside the row and a page of its own for the credential. Two
-- such rows fill a 16 KiB page, so verifications of 100,000 certificates drawn at random need
-- about 1.1 GiB of pages in the buffer pool, and each one that misses reads a page from disk.
-- Here the same answers come from:
--
-- 1. certificate_public_parts: the public parts of a snapshot (the micro-credential's elements,
--    the promoting organisation, the issuer's name and the few values the page shows), once per
--    distinct content, named by the SHA-256 of that content. Every certificate of one version of
--    a micro-credential shares one row.
-- 2. certificate_verifications: per certificate, the holder's name, the dates, the revocation,
--    the withdrawal and the remembered signature check, about 180 bytes, with the name of its
--    public parts.
--
-- Triggers on certificates keep both inside the transaction of every change, whatever code
-- path or hand-written statement makes it; the backend never writes them itself. Public parts
-- are never deleted: they hold no personal data, and other certificates may share them.
-- Every statement can run again, should the migration stop half-way.

ALTER TABLE certificates
  ADD COLUMN IF NOT EXISTS verify_parts_sha256 CHAR(64) CHARACTER SET ascii
    AS (SHA2(JSON_ARRAY(verify_microcredential, verify_organisation, verify_issuer_name, verify_title,
      verify_language, verify_eqf_level, verify_workload_hours, verify_ects_credits, verify_outcomes), 256))
    VIRTUAL;

CREATE TABLE IF NOT EXISTS certificate_public_parts (
  sha256 CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  microcredential LONGTEXT,
  organisation LONGTEXT,
  issuer_name VARCHAR(255),
  title LONGTEXT,
  language LONGTEXT,
  eqf_level LONGTEXT,
  workload_hours LONGTEXT,
  ects_credits LONGTEXT,
  outcomes LONGTEXT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- has_credential and signature_valid are the two conditions that the fast path used to compute
-- from credential_sha256 and checked_sha256: whether a credential is stored, and the remembered
-- check when it belongs to that exact credential text (NULL otherwise).
CREATE TABLE IF NOT EXISTS certificate_verifications (
  id CHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  parts_sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
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

-- INSERT IGNORE, because the parts usually exist already. On a duplicate key InnoDB takes a shared
-- lock on the existing row (its documented locking), so concurrent issues of one micro-credential
-- do not wait for each other.
CREATE OR REPLACE TRIGGER certificate_verifications_insert AFTER INSERT ON certificates
  FOR EACH ROW
BEGIN
  INSERT IGNORE INTO certificate_public_parts (sha256, microcredential, organisation, issuer_name,
      title, language, eqf_level, workload_hours, ects_credits, outcomes)
    VALUES (NEW.verify_parts_sha256, NEW.verify_microcredential, NEW.verify_organisation,
      NEW.verify_issuer_name, NEW.verify_title, NEW.verify_language, NEW.verify_eqf_level,
      NEW.verify_workload_hours, NEW.verify_ects_credits, NEW.verify_outcomes);
  INSERT INTO certificate_verifications (id, parts_sha256, holder_name, issued_at, awarded_on,
      valid_until, revoked_at, revocation_reason, withdrawn_at, has_credential, signature_valid,
      checked_detail)
    VALUES (NEW.id, NEW.verify_parts_sha256, NEW.holder_name, NEW.issued_at, NEW.awarded_on,
      NEW.valid_until, NEW.revoked_at, NEW.revocation_reason, NEW.withdrawn_at,
      NEW.credential_sha256 IS NOT NULL,
      IF(NEW.checked_sha256 = NEW.credential_sha256, NEW.checked_valid, NULL), NEW.checked_detail);
END;

CREATE OR REPLACE TRIGGER certificate_verifications_update AFTER UPDATE ON certificates
  FOR EACH ROW
BEGIN
  IF NOT (NEW.snapshot <=> OLD.snapshot) THEN
    INSERT IGNORE INTO certificate_public_parts (sha256, microcredential, organisation, issuer_name,
        title, language, eqf_level, workload_hours, ects_credits, outcomes)
      VALUES (NEW.verify_parts_sha256, NEW.verify_microcredential, NEW.verify_organisation,
        NEW.verify_issuer_name, NEW.verify_title, NEW.verify_language, NEW.verify_eqf_level,
        NEW.verify_workload_hours, NEW.verify_ects_credits, NEW.verify_outcomes);
  END IF;
  UPDATE certificate_verifications
    SET id = NEW.id, parts_sha256 = NEW.verify_parts_sha256, holder_name = NEW.holder_name,
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

-- The certificates issued before this migration.
INSERT IGNORE INTO certificate_public_parts (sha256, microcredential, organisation, issuer_name,
    title, language, eqf_level, workload_hours, ects_credits, outcomes)
  SELECT verify_parts_sha256, verify_microcredential, verify_organisation, verify_issuer_name,
    verify_title, verify_language, verify_eqf_level, verify_workload_hours, verify_ects_credits,
    verify_outcomes
  FROM certificates;

INSERT INTO certificate_verifications (id, parts_sha256, holder_name, issued_at, awarded_on,
    valid_until, revoked_at, revocation_reason, withdrawn_at, has_credential, signature_valid,
    checked_detail)
  SELECT id, verify_parts_sha256, holder_name, issued_at, awarded_on, valid_until, revoked_at,
    revocation_reason, withdrawn_at, credential_sha256 IS NOT NULL,
    IF(checked_sha256 = credential_sha256, checked_valid, NULL), checked_detail
  FROM certificates
  WHERE id NOT IN (SELECT id FROM certificate_verifications);
