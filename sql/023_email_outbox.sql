-- Every e-mail is written here in the transaction of the change that causes it, then delivered by
-- the backend's delivery thread when MIC_SENDMAIL is set. A failed delivery is retried at
-- next_attempt_at with exponential backoff; a row is never deleted by the backend.
-- The delivery thread also moves next_attempt_at forward while it sends a row (a lease), so two
-- backend processes never send the same row at the same time.
CREATE TABLE email_outbox (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  recipient VARCHAR(254) NOT NULL,
  subject VARCHAR(255) NOT NULL,
  body TEXT NOT NULL,
  kind VARCHAR(32) CHARACTER SET ascii NOT NULL,
  user_id BIGINT UNSIGNED NULL,
  organisation_id BIGINT UNSIGNED NULL,
  application_id BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  sent_at DATETIME(6) NULL,
  last_error VARCHAR(500) NULL,
  KEY email_outbox_due (sent_at, next_attempt_at),
  KEY email_outbox_recipient (recipient),
  KEY email_outbox_created (created_at)
) ENGINE=InnoDB;
