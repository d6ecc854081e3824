-- The online assessment belongs to a micro-credential version, like the rest of its content. A
-- published version's rules and questions never change, and a new version starts from a copy of
-- them. Reviewers validate the assessment of the version they review.
--
-- Rules and questions written before this migration move to the published version of their
-- micro-credential, or to its latest version when none is published. Each later version gets a copy
-- (questions not retired only), as if it had been created from that version. Question ids stay, so
-- the papers of old attempts, which name question ids, still resolve.

ALTER TABLE assessments
  ADD COLUMN microcredential_version_id BIGINT UNSIGNED NULL AFTER microcredential_id,
  ADD KEY assessments_microcredential (microcredential_id),
  DROP PRIMARY KEY;

UPDATE assessments AS a SET a.microcredential_version_id = COALESCE(
  (SELECT v.id FROM microcredential_versions AS v
    WHERE v.microcredential_id = a.microcredential_id AND v.status = 'published'),
  (SELECT v.id FROM microcredential_versions AS v
    WHERE v.microcredential_id = a.microcredential_id ORDER BY v.version DESC LIMIT 1));

INSERT INTO assessments (microcredential_id, microcredential_version_id, questions_per_outcome,
  time_limit_minutes, pass_mark_percent, outcome_min_percent, max_attempts, wait_minutes,
  supervision, updated_at, updated_by)
SELECT a.microcredential_id, later.id, a.questions_per_outcome, a.time_limit_minutes,
  a.pass_mark_percent, a.outcome_min_percent, a.max_attempts, a.wait_minutes, a.supervision,
  a.updated_at, a.updated_by
FROM assessments AS a
JOIN microcredential_versions AS home ON home.id = a.microcredential_version_id
JOIN microcredential_versions AS later
  ON later.microcredential_id = home.microcredential_id AND later.version > home.version;

ALTER TABLE assessments
  MODIFY microcredential_version_id BIGINT UNSIGNED NOT NULL,
  ADD PRIMARY KEY (microcredential_version_id),
  ADD CONSTRAINT assessments_version FOREIGN KEY (microcredential_version_id)
    REFERENCES microcredential_versions (id);

-- copied_from_id: the question of the earlier version that this one was copied from, so the
-- version diff can pair a question with its earlier form. Replacing a question keeps the link.
ALTER TABLE assessment_questions
  ADD COLUMN microcredential_version_id BIGINT UNSIGNED NULL AFTER microcredential_id,
  ADD COLUMN copied_from_id BIGINT UNSIGNED NULL;

UPDATE assessment_questions AS q SET q.microcredential_version_id = COALESCE(
  (SELECT v.id FROM microcredential_versions AS v
    WHERE v.microcredential_id = q.microcredential_id AND v.status = 'published'),
  (SELECT v.id FROM microcredential_versions AS v
    WHERE v.microcredential_id = q.microcredential_id ORDER BY v.version DESC LIMIT 1));

INSERT INTO assessment_questions (microcredential_id, microcredential_version_id, type, prompt,
  options, correct, outcomes, explanation, created_at, copied_from_id)
SELECT q.microcredential_id, later.id, q.type, q.prompt, q.options, q.correct, q.outcomes,
  q.explanation, q.created_at, q.id
FROM assessment_questions AS q
JOIN microcredential_versions AS home ON home.id = q.microcredential_version_id
JOIN microcredential_versions AS later
  ON later.microcredential_id = home.microcredential_id AND later.version > home.version
WHERE q.retired_at IS NULL;

ALTER TABLE assessment_questions
  MODIFY microcredential_version_id BIGINT UNSIGNED NOT NULL,
  ADD KEY assessment_questions_version (microcredential_version_id, retired_at),
  ADD CONSTRAINT assessment_questions_version FOREIGN KEY (microcredential_version_id)
    REFERENCES microcredential_versions (id);

-- A question's prompt, options and explanation in another language. Each field is optional: a
-- NULL field falls back to the question's own text. options, when set, has one text per option of
-- the question, in the editor's order.
CREATE TABLE assessment_question_translations (
  question_id BIGINT UNSIGNED NOT NULL,
  language CHAR(2) CHARACTER SET ascii NOT NULL COMMENT 'ISO 639-1',
  prompt TEXT NULL,
  options LONGTEXT NULL CHECK (options IS NULL OR JSON_VALID(options)),
  explanation TEXT NULL,
  PRIMARY KEY (question_id, language),
  CONSTRAINT assessment_question_translations_question FOREIGN KEY (question_id)
    REFERENCES assessment_questions (id)
) ENGINE=InnoDB;

-- The language in which the learner reads the questions of an attempt; scoring ignores it.
ALTER TABLE assessment_attempts
  ADD COLUMN language CHAR(2) CHARACTER SET ascii NOT NULL DEFAULT 'en';
