-- The public parts of a certificate's snapshot that the verification API returns, kept by MariaDB
-- as generated columns. They are computed once when a row is written, so a verification reply
-- needs one primary-key lookup and no parsing of the snapshot.
ALTER TABLE certificates
  ADD COLUMN verify_microcredential LONGTEXT
    AS (JSON_OBJECT(
      'title', JSON_EXTRACT(snapshot, '$.title'),
      'summary', JSON_EXTRACT(snapshot, '$.summary'),
      'learning_outcomes', JSON_EXTRACT(snapshot, '$.learning_outcomes'),
      'eqf_level', JSON_EXTRACT(snapshot, '$.eqf_level'),
      'eqf', JSON_EXTRACT(snapshot, '$.eqf'),
      'workload_hours', JSON_EXTRACT(snapshot, '$.workload_hours'),
      'ects_credits', JSON_EXTRACT(snapshot, '$.ects_credits'),
      'assessment_type', JSON_EXTRACT(snapshot, '$.assessment_type'),
      'participation_form', JSON_EXTRACT(snapshot, '$.participation_form'),
      'quality_assurance', JSON_EXTRACT(snapshot, '$.quality_assurance'),
      'language', JSON_EXTRACT(snapshot, '$.language'),
      'esco_occupations', JSON_EXTRACT(snapshot, '$.esco_occupations'))) PERSISTENT,
  ADD COLUMN verify_organisation LONGTEXT
    AS (JSON_OBJECT(
      'name', JSON_EXTRACT(snapshot, '$.promoting_organisation.name'),
      'country', JSON_EXTRACT(snapshot, '$.promoting_organisation.country'))) PERSISTENT,
  ADD COLUMN verify_issuer_name VARCHAR(255)
    AS (JSON_VALUE(snapshot, '$.issuer.name')) PERSISTENT;
