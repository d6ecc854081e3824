-- Versions of micro-credentials and their validation by the alliance.
--
-- microcredentials stays the stable identity: its id is the public id in the catalogue and in
-- /microcredentials/{id}, and it names the promoting organisation. The content of each edition
-- lives in microcredential_versions, numbered 1, 2, ... per micro-credential, each with its own
-- lifecycle status. A published version is never changed: editing it creates the next version.
--
-- The content columns of microcredentials (title ... esco_occupations) become legacy columns. They
-- keep the content as it was before versions existed (NULL for micro-credentials created since),
-- and an INSERT that still fills them, as the demo data does, gets its version 1 from the trigger
-- below. Nothing reads them any more.

CREATE TABLE microcredential_versions (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  microcredential_id BIGINT UNSIGNED NOT NULL,
  version INT UNSIGNED NOT NULL,
  -- superseded: published once, replaced in the catalogue by a later published version.
  status ENUM('draft', 'submitted', 'in_review', 'changes_requested', 'approved', 'published',
              'superseded', 'retired') NOT NULL DEFAULT 'draft',
  -- The mandatory elements may be NULL while the version is a draft; submission checks them.
  title VARCHAR(255) NULL,
  summary TEXT NULL,
  -- JSON array, in order, of {"statement": text, "esco_skills": [ESCO skill URI, ...]}.
  learning_outcomes LONGTEXT COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '[]'
    CHECK (JSON_VALID(learning_outcomes)),
  eqf_level TINYINT UNSIGNED NULL COMMENT 'NULL: no EQF level applies',
  workload_hours SMALLINT UNSIGNED NULL,
  ects_credits DECIMAL(4,1) NULL,
  assessment_type VARCHAR(255) NULL,
  participation_form ENUM('online', 'onsite', 'blended') NULL,
  quality_assurance VARCHAR(500) NULL,
  language CHAR(2) CHARACTER SET ascii NOT NULL DEFAULT 'en'
    COMMENT 'ISO 639-1 language of title, summary and learning outcomes',
  delivery_languages JSON NOT NULL DEFAULT '[]' COMMENT 'ISO 639-1 codes, in order',
  esco_occupations JSON NOT NULL DEFAULT '[]' COMMENT 'ESCO occupation URIs, in order',
  prerequisites TEXT NULL,
  supervision ENUM('unsupervised_no_id_check', 'supervised_no_id_check', 'supervised_with_id_check') NULL,
  stackability ENUM('stand_alone', 'stackable') NULL,
  stackable_towards VARCHAR(255) NULL COMMENT 'the larger credential, when stackable',
  validity_months SMALLINT UNSIGNED NULL COMMENT 'of a certificate; NULL: no expiry',
  related_training_title VARCHAR(255) NULL,
  related_training_url VARCHAR(512) NULL,
  created_by BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  submitted_at DATETIME(6) NULL,
  approved_at DATETIME(6) NULL,
  published_at DATETIME(6) NULL,
  retired_at DATETIME(6) NULL,
  UNIQUE KEY microcredential_versions_number (microcredential_id, version),
  KEY microcredential_versions_status (status, microcredential_id),
  FULLTEXT KEY microcredential_versions_text (title, summary, learning_outcomes),
  CONSTRAINT microcredential_versions_eqf CHECK (eqf_level IS NULL OR eqf_level BETWEEN 1 AND 8),
  CONSTRAINT microcredential_versions_workload CHECK (workload_hours IS NULL OR workload_hours > 0),
  CONSTRAINT microcredential_versions_validity CHECK (validity_months IS NULL OR validity_months > 0),
  CONSTRAINT microcredential_versions_stackable CHECK
    (stackability = 'stackable' OR stackable_towards IS NULL),
  CONSTRAINT microcredential_versions_microcredential FOREIGN KEY (microcredential_id)
    REFERENCES microcredentials (id),
  CONSTRAINT microcredential_versions_created_by FOREIGN KEY (created_by) REFERENCES users (id)
) ENGINE=InnoDB;

-- Title, summary and learning outcome statements of a version in another language. The
-- statements are in the order of the version's learning outcomes, which carry the ESCO links.
CREATE TABLE microcredential_translations (
  version_id BIGINT UNSIGNED NOT NULL,
  language CHAR(2) CHARACTER SET ascii NOT NULL COMMENT 'ISO 639-1',
  title VARCHAR(255) NOT NULL,
  summary TEXT NOT NULL,
  -- JSON array of statements.
  learning_outcomes LONGTEXT COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '[]'
    CHECK (JSON_VALID(learning_outcomes)),
  PRIMARY KEY (version_id, language),
  FULLTEXT KEY microcredential_translations_text (title, summary, learning_outcomes),
  CONSTRAINT microcredential_translations_version FOREIGN KEY (version_id)
    REFERENCES microcredential_versions (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- Reviewers that a coordinator assigned to one version.
CREATE TABLE microcredential_reviewers (
  version_id BIGINT UNSIGNED NOT NULL,
  reviewer_id BIGINT UNSIGNED NOT NULL,
  assigned_by BIGINT UNSIGNED NOT NULL,
  assigned_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (version_id, reviewer_id),
  KEY microcredential_reviewers_reviewer (reviewer_id),
  CONSTRAINT microcredential_reviewers_version FOREIGN KEY (version_id)
    REFERENCES microcredential_versions (id),
  CONSTRAINT microcredential_reviewers_reviewer FOREIGN KEY (reviewer_id) REFERENCES users (id),
  CONSTRAINT microcredential_reviewers_assigned_by FOREIGN KEY (assigned_by) REFERENCES users (id)
) ENGINE=InnoDB;

-- One quality checklist per assigned reviewer and version. checklist is a JSON array, in the
-- order of the alliance's quality approach, of {"criterion", "result": "pass"|"fail", "comment"}.
CREATE TABLE microcredential_reviews (
  version_id BIGINT UNSIGNED NOT NULL,
  reviewer_id BIGINT UNSIGNED NOT NULL,
  checklist JSON NOT NULL,
  recommendation ENUM('approve', 'request_changes') NOT NULL,
  comment TEXT NULL,
  submitted_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (version_id, reviewer_id),
  CONSTRAINT microcredential_reviews_assignment FOREIGN KEY (version_id, reviewer_id)
    REFERENCES microcredential_reviewers (version_id, reviewer_id)
) ENGINE=InnoDB;

-- Version 1 of every existing micro-credential, with the same content and status.
INSERT INTO microcredential_versions
  (microcredential_id, version, status, title, summary, learning_outcomes, eqf_level,
   workload_hours, ects_credits, assessment_type, participation_form, quality_assurance, language,
   delivery_languages, esco_occupations, created_at, updated_at, published_at, retired_at)
SELECT id, 1, status, title, summary, learning_outcomes, eqf_level, workload_hours, ects_credits,
       assessment_type, participation_form, quality_assurance, language, JSON_ARRAY(language),
       esco_occupations, created_at, updated_at, published_at,
       IF(status = 'retired', updated_at, NULL)
FROM microcredentials;

-- A micro-credential created through the API has its content only in versions.
ALTER TABLE microcredentials
  MODIFY title VARCHAR(255) NULL,
  MODIFY summary TEXT NULL,
  MODIFY learning_outcomes LONGTEXT COLLATE utf8mb4_unicode_ci NULL CHECK (JSON_VALID(learning_outcomes)),
  MODIFY workload_hours SMALLINT UNSIGNED NULL,
  MODIFY assessment_type VARCHAR(255) NULL,
  MODIFY participation_form ENUM('online', 'onsite', 'blended') NULL,
  MODIFY quality_assurance VARCHAR(500) NULL,
  MODIFY esco_occupations JSON NULL;

-- An INSERT that fills the legacy content columns gets version 1 from them.
CREATE TRIGGER microcredentials_legacy_version AFTER INSERT ON microcredentials FOR EACH ROW
  INSERT INTO microcredential_versions
    (microcredential_id, version, status, title, summary, learning_outcomes, eqf_level,
     workload_hours, ects_credits, assessment_type, participation_form, quality_assurance,
     language, delivery_languages, esco_occupations, created_at, updated_at, published_at,
     retired_at)
  SELECT NEW.id, 1, NEW.status, NEW.title, NEW.summary, NEW.learning_outcomes, NEW.eqf_level,
         NEW.workload_hours, NEW.ects_credits, NEW.assessment_type, NEW.participation_form,
         NEW.quality_assurance, NEW.language, JSON_ARRAY(NEW.language), NEW.esco_occupations,
         NEW.created_at, NEW.updated_at, NEW.published_at,
         IF(NEW.status = 'retired', NEW.updated_at, NULL)
  FROM DUAL WHERE NEW.title IS NOT NULL;

-- The version that a certificate was issued against. The snapshot column stays: it is what the
-- verification page shows.
ALTER TABLE certificates
  ADD COLUMN microcredential_version_id BIGINT UNSIGNED NULL AFTER microcredential_id,
  ADD CONSTRAINT certificates_microcredential_version FOREIGN KEY (microcredential_version_id)
    REFERENCES microcredential_versions (id);

UPDATE certificates AS c
  JOIN microcredential_versions AS v ON v.microcredential_id = c.microcredential_id AND v.version = 1
  SET c.microcredential_version_id = v.id;
