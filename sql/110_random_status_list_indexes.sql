-- Random status list indexes. An index handed out in order shows a reader of two credentials which
-- was issued first and how many came in between, so new certificates get a random free entry of
-- the newest list instead (statuslist.c). next_index stays for the lists filled in order before
-- this migration and is no longer advanced; the certificates in them keep their indexes.

-- The number of entries assigned in a list, split into one row per backend worker (shard is the
-- worker's index, negative for the command line and the mail thread). Each issuing transaction
-- only locks its own worker's row, so concurrent issuers do not wait on a shared counter. The sum
-- of a list's rows is its fill level. The migrated counts are in shard -100.
CREATE TABLE status_list_usage (
  status_list INT UNSIGNED NOT NULL,
  shard INT NOT NULL,
  assigned INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (status_list, shard)
) ENGINE=InnoDB;

INSERT INTO status_list_usage (status_list, shard, assigned)
  SELECT status_list, -100, COUNT(*) FROM certificates
  WHERE status_list IS NOT NULL GROUP BY status_list;
