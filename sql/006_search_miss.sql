-- 006: what search learns from people (cgi-bin/catalog/searchlog.h).
--
-- search_miss: queries that found nothing, counted.  Only the words are
-- kept (folded as the key, and as written), never who asked, and without
-- runs of four or more digits (telephone, identity or dossier numbers).
-- search_synonym: entries staff add to the search dictionary from the
-- intranet; each overrides the file's entry (cgi-bin/catalog/data/
-- synonyms.tsv) with the same folded phrase.  Rows are replaced, not
-- deleted; updated_at is how the catalog notices a change.

CREATE TABLE search_miss (
  words       VARCHAR(200) NOT NULL PRIMARY KEY,     -- folded: "so hong o dau"
  shown       VARCHAR(200) NOT NULL,                 -- as last written: "sổ hồng ở đâu"
  n           BIGINT UNSIGNED NOT NULL DEFAULT 0,
  first_seen  DATETIME NOT NULL,                     -- UTC
  last_seen   DATETIME NOT NULL,
  KEY (n)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE search_synonym (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  phrase_key  VARCHAR(200) NOT NULL,                 -- folded phrase
  phrase      VARCHAR(200) NOT NULL,                 -- as staff wrote it
  expansion   VARCHAR(400) NOT NULL,                 -- catalog words, "a | b" alternatives
  kind        ENUM('tu','viettat','hutu') NOT NULL DEFAULT 'tu',
  reason      VARCHAR(300) NOT NULL,
  created_at  DATETIME(6) NOT NULL,
  updated_at  DATETIME(6) NOT NULL,
  UNIQUE KEY (phrase_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
