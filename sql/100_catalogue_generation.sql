-- The catalogue generation: a number that grows with every committed change that can alter a
-- catalogue search result. The backend keys its per-process cache of search responses by it, so
-- a cached response is used only while no such change has been committed since it was computed.
--
-- The triggers below bump it inside the transaction of the change itself (publishing, a new
-- published version, retiring, translations of published versions, the promoting organisation,
-- organisation names and countries, ESCO labels), whatever code path or bulk insert makes the
-- change. A bump locks the single row until the commit, so such changes commit one at a time;
-- they are rare next to searches. Each trigger tests its condition in IF, so that changes that
-- cannot alter a search (drafts, reviews, status changes of organisations) never touch the row.
CREATE TABLE catalogue_generation (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY CHECK (id = 1),
  generation BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB;

INSERT INTO catalogue_generation (id, generation) VALUES (1, 1);

CREATE TRIGGER catalogue_generation_version_insert AFTER INSERT ON microcredential_versions
  FOR EACH ROW
BEGIN
  IF NEW.status = 'published' THEN
    UPDATE catalogue_generation SET generation = generation + 1 WHERE id = 1;
  END IF;
END;

CREATE TRIGGER catalogue_generation_version_update AFTER UPDATE ON microcredential_versions
  FOR EACH ROW
BEGIN
  IF OLD.status = 'published' OR NEW.status = 'published' THEN
    UPDATE catalogue_generation SET generation = generation + 1 WHERE id = 1;
  END IF;
END;

CREATE TRIGGER catalogue_generation_version_delete AFTER DELETE ON microcredential_versions
  FOR EACH ROW
BEGIN
  IF OLD.status = 'published' THEN
    UPDATE catalogue_generation SET generation = generation + 1 WHERE id = 1;
  END IF;
END;

CREATE TRIGGER catalogue_generation_translation_insert AFTER INSERT ON microcredential_translations
  FOR EACH ROW
BEGIN
  IF EXISTS (SELECT 1 FROM microcredential_versions
             WHERE id = NEW.version_id AND status = 'published') THEN
    UPDATE catalogue_generation SET generation = generation + 1 WHERE id = 1;
  END IF;
END;

CREATE TRIGGER catalogue_generation_translation_update AFTER UPDATE ON microcredential_translations
  FOR EACH ROW
BEGIN
  IF EXISTS (SELECT 1 FROM microcredential_versions
             WHERE id IN (OLD.version_id, NEW.version_id) AND status = 'published') THEN
    UPDATE catalogue_generation SET generation = generation + 1 WHERE id = 1;
  END IF;
END;

CREATE TRIGGER catalogue_generation_translation_delete AFTER DELETE ON microcredential_translations
  FOR EACH ROW
BEGIN
  IF EXISTS (SELECT 1 FROM microcredential_versions
             WHERE id = OLD.version_id AND status = 'published') THEN
    UPDATE catalogue_generation SET generation = generation + 1 WHERE id = 1;
  END IF;
END;

CREATE TRIGGER catalogue_generation_microcredential_update AFTER UPDATE ON microcredentials
  FOR EACH ROW
BEGIN
  IF NOT (OLD.promoting_organisation_id <=> NEW.promoting_organisation_id) THEN
    UPDATE catalogue_generation SET generation = generation + 1 WHERE id = 1;
  END IF;
END;

CREATE TRIGGER catalogue_generation_organisation_update AFTER UPDATE ON organisations
  FOR EACH ROW
BEGIN
  IF NOT (OLD.name <=> NEW.name AND OLD.country <=> NEW.country) THEN
    UPDATE catalogue_generation SET generation = generation + 1 WHERE id = 1;
  END IF;
END;

CREATE TRIGGER catalogue_generation_esco_insert AFTER INSERT ON esco_occupations
  FOR EACH ROW
  UPDATE catalogue_generation SET generation = generation + 1 WHERE id = 1;

CREATE TRIGGER catalogue_generation_esco_update AFTER UPDATE ON esco_occupations
  FOR EACH ROW
  UPDATE catalogue_generation SET generation = generation + 1 WHERE id = 1;

CREATE TRIGGER catalogue_generation_esco_delete AFTER DELETE ON esco_occupations
  FOR EACH ROW
  UPDATE catalogue_generation SET generation = generation + 1 WHERE id = 1;
