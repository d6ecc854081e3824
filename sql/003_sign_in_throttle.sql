-- Failed sign-ins, counted per account and per client address to throttle password guessing.
-- account_key is LOWER(e-mail) as typed, whether or not such an account exists, so the answer does
-- not reveal which accounts exist. Rows older than the throttle window are deleted as they are met.
CREATE TABLE sign_in_failures (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_key VARCHAR(254) COLLATE utf8mb4_bin NOT NULL,
  address VARCHAR(64) CHARACTER SET ascii NOT NULL,
  at DATETIME(6) NOT NULL,
  KEY sign_in_failures_account (account_key, at),
  KEY sign_in_failures_address (address, at)
) ENGINE=InnoDB;
