-- Demo data that names demo accounts: ./mic runs it after creating them, with @coordinator_id,
-- @editor_id, @reviewer_id and @second_reviewer_id set to their user ids. It moves two FLC drafts
-- of 020_microcredentials.sql into validation, writing what the API would have written for each
-- step: the version's status and times, the reviewer assignments, one checklist and an audit row
-- per transition. The rules of backend/src/lifecycle.c hold: both versions have every mandatory
-- element, and the version in review has two reviewers, one of them (HCS) a sector organisation.
--
-- It runs in one transaction and changes nothing when the versions have left the draft status, so
-- ./mic may run it again after a failed start.

START TRANSACTION;

SET @flc = (SELECT id FROM organisations WHERE short_name = 'FLC');

-- The versions are locked, so a second run waits for the first and then finds them moved on.
SELECT v.id, v.microcredential_id, v.created_at, v.status = 'draft'
  INTO @ventilation_version, @ventilation, @ventilation_created, @ventilation_is_draft
  FROM microcredential_versions AS v JOIN microcredentials AS m ON m.id = v.microcredential_id
  WHERE m.title = 'Installing mechanical ventilation with heat recovery in dwellings' AND v.version = 1
  FOR UPDATE;
SELECT v.id, v.microcredential_id, v.created_at, v.status = 'draft'
  INTO @roof_version, @roof, @roof_created, @roof_is_draft
  FROM microcredential_versions AS v JOIN microcredentials AS m ON m.id = v.microcredential_id
  WHERE m.title = 'Insulating pitched roofs from the outside during re-roofing' AND v.version = 1
  FOR UPDATE;
SELECT v.id, v.microcredential_id, v.created_at
  INTO @draft_version, @draft, @draft_created
  FROM microcredential_versions AS v JOIN microcredentials AS m ON m.id = v.microcredential_id
  WHERE m.title = 'Applying external thermal insulation composite systems to masonry walls'
    AND v.version = 1;

SET @apply = @ventilation_is_draft AND @roof_is_draft;

-- A missing micro-credential or account stops the load with an error, so ./mic reports it
-- instead of loading half of the steps. MariaDB (10.11 in Debian 12) runs IF outside stored programs.
DELIMITER //
IF @apply IS NULL OR @draft_version IS NULL OR @flc IS NULL OR @coordinator_id IS NULL
    OR @editor_id IS NULL OR @reviewer_id IS NULL OR @second_reviewer_id IS NULL THEN
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
    'a demo micro-credential of FLC or a demo account is missing; reload the demo data from an empty state folder';
END IF //
DELIMITER ;

-- The demo editor wrote all three FLC drafts.
UPDATE microcredential_versions SET created_by = @editor_id
  WHERE id IN (@draft_version, @ventilation_version, @roof_version) AND created_by IS NULL AND @apply;

-- Audit rows as lifecycle.c writes them: details {version, from, to, comment}, plus reviewer_ids
-- for an assignment and recommendation for a checklist. object_id is the micro-credential id as
-- text. request_id stays NULL because no HTTP request made these rows.
INSERT INTO audit_log (at, request_id, actor_user_id, action, object_type, object_id, organisation_id, details)
SELECT step.at, NULL, step.actor, step.action, 'microcredential', CAST(step.microcredential AS CHAR), @flc,
       JSON_OBJECT('version', 1, 'from', step.from_status, 'to', step.to_status, 'comment', step.comment)
FROM (
  SELECT 1 AS n, @draft_created AS at, @editor_id AS actor, 'microcredential_created' AS action,
         @draft AS microcredential, NULL AS from_status, 'draft' AS to_status, NULL AS comment
  UNION ALL
  SELECT 2, @ventilation_created, @editor_id, 'microcredential_created', @ventilation, NULL, 'draft', NULL
  UNION ALL
  SELECT 3, @ventilation_created + INTERVAL 7 DAY, @editor_id, 'microcredential_submitted',
         @ventilation, 'draft', 'submitted', NULL
  UNION ALL
  SELECT 4, @roof_created, @editor_id, 'microcredential_created', @roof, NULL, 'draft', NULL
  UNION ALL
  SELECT 5, @roof_created + INTERVAL 5 DAY, @editor_id, 'microcredential_submitted', @roof,
         'draft', 'submitted', NULL
  UNION ALL
  SELECT 6, @roof_created + INTERVAL 7 DAY, @coordinator_id, 'microcredential_changes_requested',
         @roof, 'submitted', 'changes_requested',
         'Please state how many of the 45 hours are practical work on the roof, and which fall protection the learners use on the training roof.'
  UNION ALL
  SELECT 7, @roof_created + INTERVAL 10 DAY, @editor_id, 'microcredential_submitted', @roof,
         'changes_requested', 'submitted', NULL
) AS step
WHERE @apply
ORDER BY step.n;

-- The assignment and the checklist add their own detail keys, so they are inserted one by one.
-- MariaDB puts a user variable into JSON as a string, so the ids are cast to numbers.
INSERT INTO audit_log (at, request_id, actor_user_id, action, object_type, object_id, organisation_id, details)
SELECT @roof_created + INTERVAL 11 DAY, NULL, @coordinator_id, 'microcredential_reviewers_assigned',
       'microcredential', CAST(@roof AS CHAR), @flc,
       JSON_OBJECT('reviewer_ids', JSON_ARRAY(CAST(@reviewer_id AS UNSIGNED), CAST(@second_reviewer_id AS UNSIGNED)),
                   'version', 1,
                   'from', 'submitted', 'to', 'in_review', 'comment', NULL)
FROM DUAL WHERE @apply;

SET @second_review_comment = 'The outcomes and the assessment are clear. The practical hours and the fall protection are now stated, as the coordinator asked.';

INSERT INTO audit_log (at, request_id, actor_user_id, action, object_type, object_id, organisation_id, details)
SELECT @roof_created + INTERVAL 15 DAY, NULL, @second_reviewer_id, 'microcredential_reviewed',
       'microcredential', CAST(@roof AS CHAR), @flc,
       JSON_OBJECT('recommendation', 'approve', 'version', 1, 'from', 'in_review', 'to', 'in_review',
                   'comment', @second_review_comment)
FROM DUAL WHERE @apply;

INSERT INTO microcredential_reviewers (version_id, reviewer_id, assigned_by, assigned_at)
SELECT @roof_version, reviewer.id, @coordinator_id, @roof_created + INTERVAL 11 DAY
FROM (SELECT @reviewer_id AS id UNION ALL SELECT @second_reviewer_id) AS reviewer
WHERE @apply;

-- The checklist lists the criteria of the quality approach in the order of lifecycle.c.
INSERT INTO microcredential_reviews
  (version_id, reviewer_id, checklist, recommendation, comment, submitted_at, updated_at)
SELECT @roof_version, @second_reviewer_id,
       JSON_ARRAY(
         JSON_OBJECT('criterion', 'learning_outcomes_defined', 'result', 'pass',
                     'comment', 'Five outcomes, each one observable on the training roof.'),
         JSON_OBJECT('criterion', 'assessment_transparent', 'result', 'pass',
                     'comment', 'Practical check by an instructor plus a written test.'),
         JSON_OBJECT('criterion', 'eqf_level_indicated', 'result', 'pass', 'comment', 'EQF level 4.'),
         JSON_OBJECT('criterion', 'workload_defined', 'result', 'pass',
                     'comment', '45 hours, 24 of them practical, and 2 ECTS credits.'),
         JSON_OBJECT('criterion', 'esco_linked', 'result', 'pass',
                     'comment', 'Roofer, insulation worker and carpenter, with insulation skills.'),
         JSON_OBJECT('criterion', 'european_approach_aligned', 'result', 'pass', 'comment', '')
       ),
       'approve', @second_review_comment,
       @roof_created + INTERVAL 15 DAY, @roof_created + INTERVAL 15 DAY
FROM DUAL WHERE @apply;

-- submitted_at is the time of the latest submission, as lifecycle.c sets it on each one.
UPDATE microcredential_versions
  SET status = 'submitted', submitted_at = @ventilation_created + INTERVAL 7 DAY
  WHERE id = @ventilation_version AND @apply;
UPDATE microcredential_versions
  SET status = 'in_review', submitted_at = @roof_created + INTERVAL 10 DAY
  WHERE id = @roof_version AND @apply;

COMMIT;
