-- 012: a form posted twice does its work once (lib/once.h).  A request
-- whose repeat would do its work again (a filing, a receipt adjustment)
-- claims the fingerprint of what it asks, with its result, in its own
-- transaction; a repeat within PORTAL_FORM_ONCE_SECONDS finds the claim
-- and answers with that result.  Claims older than the window are taken
-- over by the next identical request; they hold no personal data (a hash
-- and a dossier or payment code).
CREATE TABLE form_once (
  fingerprint  CHAR(64)     NOT NULL PRIMARY KEY,   -- hex SHA-256
  result       VARCHAR(64)  NOT NULL,               -- what the first request made
  created_at   DATETIME(3)  NOT NULL,
  KEY (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;
