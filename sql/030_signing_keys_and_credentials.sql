-- Ed25519 signing keys, signed Open Badges 3.0 credentials, Bitstring Status Lists and the
-- remembered results of signature checks.

-- Public halves only: the private key of each row is the file MIC_KEYS_DIR/<key_id>.pem. The key
-- whose valid_until is NULL signs new credentials; earlier keys stay so old credentials verify.
CREATE TABLE signing_keys (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  key_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  public_key_multibase VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  valid_from DATETIME(6) NOT NULL,
  valid_until DATETIME(6) NULL,
  UNIQUE KEY signing_keys_key_id (key_id)
) ENGINE=InnoDB;

-- bits: the revocation bitstring, one bit per certificate, most significant bit first.
-- version counts changes; signed_credential is the signed list of signed_version.
CREATE TABLE status_lists (
  id INT UNSIGNED NOT NULL PRIMARY KEY,
  size INT UNSIGNED NOT NULL,
  next_index INT UNSIGNED NOT NULL DEFAULT 0,
  bits MEDIUMBLOB NOT NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  signed_version INT UNSIGNED NULL,
  signed_credential LONGTEXT NULL
) ENGINE=InnoDB;

-- credential: the signed OpenBadgeCredential JSON exactly as issued.
ALTER TABLE certificates
  ADD COLUMN credential LONGTEXT NULL,
  ADD COLUMN status_list INT UNSIGNED NULL,
  ADD COLUMN status_index INT UNSIGNED NULL,
  ADD UNIQUE KEY certificates_status (status_list, status_index);

-- The result of verifying the signature of one exact credential text, keyed by its SHA-256.
CREATE TABLE credential_checks (
  content_sha256 CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  signature_valid TINYINT(1) NOT NULL,
  key_id VARCHAR(64) CHARACTER SET ascii NULL,
  detail VARCHAR(255) NOT NULL,
  checked_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6)
) ENGINE=InnoDB;
