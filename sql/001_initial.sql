-- The first schema: organisations, accounts, sessions, micro-credentials, certificates, audit log.
-- All times are UTC (the backend sets time_zone = '+00:00' on every connection).

CREATE TABLE organisations (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  short_name VARCHAR(64) NULL,
  type ENUM('university', 'educational_authority', 'vet_provider', 'research_centre', 'company',
            'sector_organisation', 'other') NOT NULL,
  country CHAR(2) NOT NULL COMMENT 'ISO 3166-1 alpha-2',
  city VARCHAR(128) NULL,
  website VARCHAR(512) NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  UNIQUE KEY organisations_name (name)
) ENGINE=InnoDB;

CREATE TABLE users (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(254) NOT NULL COMMENT 'as typed',
  email_key VARCHAR(254) COLLATE utf8mb4_bin AS (LOWER(email)) PERSISTENT,
  name VARCHAR(200) NOT NULL,
  password_hash VARCHAR(255) NULL,
  role ENUM('coordinator', 'org_admin', 'editor', 'issuer', 'reviewer', 'learner') NOT NULL,
  organisation_id BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  disabled_at DATETIME(6) NULL,
  UNIQUE KEY users_email_key (email_key),
  CONSTRAINT users_organisation FOREIGN KEY (organisation_id) REFERENCES organisations (id)
) ENGINE=InnoDB;

-- The cookie carries a random token; only its SHA-256 is stored, so a database dump holds no
-- usable session.
CREATE TABLE sessions (
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  user_id BIGINT UNSIGNED NOT NULL,
  csrf_token CHAR(43) CHARACTER SET ascii NOT NULL,
  created_at DATETIME(6) NOT NULL,
  last_seen_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  KEY sessions_user (user_id),
  KEY sessions_expires (expires_at),
  CONSTRAINT sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE esco_occupations (
  uri VARCHAR(255) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  label VARCHAR(255) NOT NULL,
  isco_code CHAR(4) CHARACTER SET ascii NULL
) ENGINE=InnoDB;

CREATE TABLE esco_skills (
  uri VARCHAR(255) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  label VARCHAR(255) NOT NULL
) ENGINE=InnoDB;

CREATE TABLE eqf_levels (
  level TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  uri VARCHAR(64) CHARACTER SET ascii NOT NULL,
  summary TEXT NOT NULL
) ENGINE=InnoDB;

-- learning_outcomes: JSON array (LONGTEXT, so it can share a FULLTEXT index with title and summary) of {"statement": text, "esco_skills": [uri, ...]} in order.
-- esco_occupations: JSON array of ESCO occupation URIs.
CREATE TABLE microcredentials (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title VARCHAR(255) NOT NULL,
  summary TEXT NOT NULL,
  learning_outcomes LONGTEXT COLLATE utf8mb4_unicode_ci NOT NULL CHECK (JSON_VALID(learning_outcomes)),
  eqf_level TINYINT UNSIGNED NULL,
  workload_hours SMALLINT UNSIGNED NOT NULL,
  ects_credits DECIMAL(4,1) NULL,
  assessment_type VARCHAR(255) NOT NULL,
  participation_form ENUM('online', 'onsite', 'blended') NOT NULL,
  quality_assurance VARCHAR(500) NOT NULL,
  language CHAR(2) CHARACTER SET ascii NOT NULL DEFAULT 'en',
  esco_occupations JSON NOT NULL,
  promoting_organisation_id BIGINT UNSIGNED NOT NULL,
  status ENUM('draft', 'published', 'retired') NOT NULL DEFAULT 'draft',
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  published_at DATETIME(6) NULL,
  CONSTRAINT microcredentials_eqf CHECK (eqf_level IS NULL OR eqf_level BETWEEN 1 AND 8),
  CONSTRAINT microcredentials_workload CHECK (workload_hours > 0),
  CONSTRAINT microcredentials_organisation FOREIGN KEY (promoting_organisation_id)
    REFERENCES organisations (id),
  KEY microcredentials_status (status, id),
  FULLTEXT KEY microcredentials_text (title, summary, learning_outcomes)
) ENGINE=InnoDB;

-- snapshot: the micro-credential's public JSON at the moment of issue, so a certificate keeps
-- certifying what it certified even after the micro-credential changes.
CREATE TABLE certificates (
  id CHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  microcredential_id BIGINT UNSIGNED NOT NULL,
  promoting_organisation_id BIGINT UNSIGNED NOT NULL,
  snapshot JSON NOT NULL,
  holder_name VARCHAR(200) NOT NULL,
  holder_email VARCHAR(254) NOT NULL,
  issued_at DATETIME(6) NOT NULL,
  valid_until DATETIME(6) NULL,
  revoked_at DATETIME(6) NULL,
  revocation_reason VARCHAR(1000) NULL,
  revoked_by BIGINT UNSIGNED NULL,
  issued_by BIGINT UNSIGNED NOT NULL,
  KEY certificates_microcredential (microcredential_id),
  KEY certificates_organisation (promoting_organisation_id, issued_at),
  KEY certificates_issued (issued_at),
  CONSTRAINT certificates_microcredential FOREIGN KEY (microcredential_id)
    REFERENCES microcredentials (id),
  CONSTRAINT certificates_issued_by FOREIGN KEY (issued_by) REFERENCES users (id),
  CONSTRAINT certificates_revoked_by FOREIGN KEY (revoked_by) REFERENCES users (id)
) ENGINE=InnoDB;

CREATE TABLE audit_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  request_id VARCHAR(64) CHARACTER SET ascii NULL,
  actor_user_id BIGINT UNSIGNED NULL,
  action VARCHAR(64) CHARACTER SET ascii NOT NULL,
  object_type VARCHAR(64) CHARACTER SET ascii NOT NULL,
  object_id VARCHAR(64) CHARACTER SET ascii NOT NULL,
  organisation_id BIGINT UNSIGNED NULL,
  details JSON NULL,
  KEY audit_object (object_type, object_id),
  KEY audit_actor (actor_user_id, at),
  KEY audit_at (at)
) ENGINE=InnoDB;
