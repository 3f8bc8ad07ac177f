-- 028: a key held back by a limit, readable with one key lookup.
--
-- Why: the citizen's payment page (/pay/{code}, the payment area's busiest)
-- must refuse an address that has mistyped too many codes, the right code
-- too (pay.c).  Its one query counted that address's misses in a scalar
-- subquery on `attempt`, on every view: measured under load, the subquery
-- was a third of MariaDB's CPU for a page (mariadbd 190 -> 130 us a view
-- without it, the page's rate +25%), although a miss is rare and a view is
-- not.  So the rare path does the counting: when a miss makes `max` within
-- the window, lib/limit.c's limit_add_held() writes until when the key is
-- held (the max-th newest miss's time + the window, the moment the count
-- falls below max again), and the page joins this row by its key.  The
-- attempts stay the record; this row is derived from them and only moves
-- later (GREATEST), so a late writer with an older view cannot shorten it.
CREATE TABLE limit_hold (
  scope  VARCHAR(16)  NOT NULL,
  k      VARCHAR(254) NOT NULL,
  until  DATETIME(3)  NOT NULL,
  PRIMARY KEY (scope, k)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
