-- The micro-credential version that was published when an attempt started, so statistics and
-- audits can tell which version's assessment a learner took. NULL for attempts started before
-- this column existed.
ALTER TABLE assessment_attempts
  ADD COLUMN microcredential_version_id BIGINT UNSIGNED NULL,
  ADD CONSTRAINT assessment_attempts_version FOREIGN KEY (microcredential_version_id)
    REFERENCES microcredential_versions (id);
