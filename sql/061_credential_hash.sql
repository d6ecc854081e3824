-- The SHA-256 of each stored credential, kept by MariaDB itself, so verification can find the
-- remembered signature check in credential_checks with one join instead of fetching and hashing
-- the credential on every request. Being generated from the text, it follows any change to it.
ALTER TABLE certificates
  ADD COLUMN credential_sha256 CHAR(64) CHARACTER SET ascii
    AS (SHA2(credential, 256)) PERSISTENT;
