-- Online assessments: a question bank and rules per micro-credential, and learners' attempts.
-- A learner who passes is awarded the micro-credential at once. Such a certificate records the
-- attempt it came from (at most one certificate per attempt) and has the learner as issued_by.

CREATE TABLE assessments (
  microcredential_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  questions_per_outcome TINYINT UNSIGNED NOT NULL DEFAULT 2,
  time_limit_minutes SMALLINT UNSIGNED NOT NULL DEFAULT 30,
  pass_mark_percent TINYINT UNSIGNED NOT NULL DEFAULT 70,
  outcome_min_percent TINYINT UNSIGNED NOT NULL DEFAULT 50,
  max_attempts TINYINT UNSIGNED NOT NULL DEFAULT 3,
  wait_minutes INT UNSIGNED NOT NULL DEFAULT 1440 COMMENT 'between two attempts',
  supervision ENUM('unsupervised_no_id_check', 'supervised_no_id_check', 'supervised_with_id_check')
    NOT NULL DEFAULT 'unsupervised_no_id_check',
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_by BIGINT UNSIGNED NULL,
  CONSTRAINT assessments_microcredential FOREIGN KEY (microcredential_id)
    REFERENCES microcredentials (id),
  CONSTRAINT assessments_limits CHECK (questions_per_outcome BETWEEN 1 AND 20
    AND time_limit_minutes BETWEEN 1 AND 600 AND pass_mark_percent BETWEEN 1 AND 100
    AND outcome_min_percent <= 100 AND max_attempts BETWEEN 1 AND 50)
) ENGINE=InnoDB;

-- options: JSON array of option texts. correct: for single_choice an index, for multiple_choice
-- an array of indexes, for true_false a boolean, for ordering the option indexes in the right
-- order. outcomes: JSON array of 0-based learning outcome positions the question assesses.
CREATE TABLE assessment_questions (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  microcredential_id BIGINT UNSIGNED NOT NULL,
  type ENUM('single_choice', 'multiple_choice', 'true_false', 'ordering') NOT NULL,
  prompt TEXT NOT NULL,
  options LONGTEXT NOT NULL CHECK (JSON_VALID(options)),
  correct LONGTEXT NOT NULL CHECK (JSON_VALID(correct)),
  outcomes LONGTEXT NOT NULL CHECK (JSON_VALID(outcomes)),
  explanation TEXT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  retired_at DATETIME(6) NULL,
  KEY assessment_questions_microcredential (microcredential_id, retired_at),
  CONSTRAINT assessment_questions_microcredential FOREIGN KEY (microcredential_id)
    REFERENCES microcredentials (id)
) ENGINE=InnoDB;

-- paper: the questions drawn for this attempt, in the order shown, each with the permutation of
-- its options: [{"question": id, "options": [2, 0, 1]}, ...].
CREATE TABLE assessment_attempts (
  id CHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  microcredential_id BIGINT UNSIGNED NOT NULL,
  learner_user_id BIGINT UNSIGNED NOT NULL,
  started_at DATETIME(6) NOT NULL,
  deadline_at DATETIME(6) NOT NULL,
  submitted_at DATETIME(6) NULL,
  status ENUM('in_progress', 'passed', 'failed') NOT NULL DEFAULT 'in_progress',
  paper LONGTEXT NOT NULL CHECK (JSON_VALID(paper)),
  score_percent DECIMAL(5,2) NULL,
  outcome_scores LONGTEXT NULL CHECK (outcome_scores IS NULL OR JSON_VALID(outcome_scores)),
  certificate_id CHAR(20) CHARACTER SET ascii COLLATE ascii_bin NULL,
  KEY assessment_attempts_learner (learner_user_id, microcredential_id, started_at),
  KEY assessment_attempts_microcredential (microcredential_id, status),
  CONSTRAINT assessment_attempts_learner FOREIGN KEY (learner_user_id) REFERENCES users (id),
  CONSTRAINT assessment_attempts_microcredential FOREIGN KEY (microcredential_id)
    REFERENCES microcredentials (id)
) ENGINE=InnoDB;

CREATE TABLE assessment_answers (
  attempt_id CHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  question_id BIGINT UNSIGNED NOT NULL,
  answer LONGTEXT NOT NULL CHECK (JSON_VALID(answer)),
  answered_at DATETIME(6) NOT NULL,
  correct TINYINT(1) NULL COMMENT 'set when the attempt is scored',
  PRIMARY KEY (attempt_id, question_id),
  CONSTRAINT assessment_answers_attempt FOREIGN KEY (attempt_id) REFERENCES assessment_attempts (id)
) ENGINE=InnoDB;

ALTER TABLE certificates
  ADD COLUMN issued_via ENUM('manual', 'assessment', 'bulk') NOT NULL DEFAULT 'manual',
  ADD COLUMN assessment_attempt_id CHAR(20) CHARACTER SET ascii COLLATE ascii_bin NULL,
  ADD UNIQUE KEY certificates_assessment_attempt (assessment_attempt_id);
