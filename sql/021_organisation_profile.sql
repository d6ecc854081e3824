-- The organisations' public profile, membership status and logo.

-- status: applicant (confirmed application, not yet decided), active (a member), suspended (its
-- users may read but not change anything), left. joined_at is set when the organisation becomes a
-- member; rows that exist before this migration count as members since their creation.
ALTER TABLE organisations
  ADD COLUMN description TEXT NULL,
  ADD COLUMN contact_email VARCHAR(254) NULL,
  ADD COLUMN status ENUM('applicant', 'active', 'suspended', 'left') NOT NULL DEFAULT 'active',
  ADD COLUMN joined_at DATETIME(6) NULL DEFAULT UTC_TIMESTAMP(6),
  ADD COLUMN status_changed_at DATETIME(6) NULL,
  ADD KEY organisations_status (status, country, type),
  ADD CONSTRAINT organisations_country FOREIGN KEY (country) REFERENCES countries (code);

UPDATE organisations SET joined_at = created_at;

-- The logo as uploaded, after its content was checked (PNG, JPEG, or SVG without script).
CREATE TABLE organisation_logos (
  organisation_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  content_type VARCHAR(32) CHARACTER SET ascii NOT NULL,
  data MEDIUMBLOB NOT NULL,
  sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  CONSTRAINT organisation_logos_organisation FOREIGN KEY (organisation_id)
    REFERENCES organisations (id) ON DELETE CASCADE
) ENGINE=InnoDB;
