-- Every status list entry that is taken, whether a certificate carries it yet or a bulk job has
-- reserved it for a certificate it is about to issue. A single issue claims its entry here in
-- its own transaction; a bulk job reserves all of its entries here in a short transaction that
-- commits before the job's long one starts, so the two never draw the same entry. An entry of a
-- job that rolls back stays taken and unused: its bit stays 0.
CREATE TABLE status_list_entries (
  status_list INT UNSIGNED NOT NULL,
  status_index INT UNSIGNED NOT NULL,
  PRIMARY KEY (status_list, status_index)
) ENGINE=InnoDB;

INSERT INTO status_list_entries (status_list, status_index)
  SELECT status_list, status_index FROM certificates WHERE status_list IS NOT NULL;
