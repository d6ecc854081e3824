-- Applications to join the alliance and the single-use links sent by e-mail.

-- An application to join. It reaches the coordinators (status submitted) only after the contact
-- person has confirmed the e-mail address; confirmation also creates the organisation with status
-- applicant, linked through organisation_id.
CREATE TABLE applications (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  type ENUM('university', 'educational_authority', 'vet_provider', 'research_centre', 'company',
            'sector_organisation', 'other') NOT NULL,
  country CHAR(2) NOT NULL,
  city VARCHAR(128) NULL,
  website VARCHAR(512) NULL,
  description TEXT NULL,
  contact_name VARCHAR(200) NOT NULL,
  contact_email VARCHAR(254) NOT NULL,
  motivation TEXT NOT NULL,
  charter_accepted_at DATETIME(6) NOT NULL,
  status ENUM('unconfirmed', 'submitted', 'info_requested', 'approved', 'rejected') NOT NULL
    DEFAULT 'unconfirmed',
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  confirmed_at DATETIME(6) NULL,
  decided_at DATETIME(6) NULL,
  decided_by BIGINT UNSIGNED NULL,
  decision_message VARCHAR(2000) NULL,
  organisation_id BIGINT UNSIGNED NULL,
  KEY applications_status (status, confirmed_at),
  CONSTRAINT applications_country FOREIGN KEY (country) REFERENCES countries (code),
  CONSTRAINT applications_decided_by FOREIGN KEY (decided_by) REFERENCES users (id),
  CONSTRAINT applications_organisation FOREIGN KEY (organisation_id)
    REFERENCES organisations (id) ON DELETE SET NULL
) ENGINE=InnoDB;

-- Single-use links sent by e-mail: confirming an application's e-mail address, accepting an
-- invitation, resetting a password. Only the SHA-256 of the token is stored; used_at marks a
-- token that has been redeemed.
CREATE TABLE account_tokens (
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  purpose ENUM('email_confirmation', 'invitation', 'password_reset') NOT NULL,
  user_id BIGINT UNSIGNED NULL,
  application_id BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  expires_at DATETIME(6) NOT NULL,
  used_at DATETIME(6) NULL,
  KEY account_tokens_user (user_id),
  KEY account_tokens_application (application_id),
  CONSTRAINT account_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT account_tokens_application FOREIGN KEY (application_id)
    REFERENCES applications (id) ON DELETE CASCADE
) ENGINE=InnoDB;
