-- 008: the per-day counters are kept in a few rows per day x agency x
-- procedure (or group), one per database connection modulo 8, instead of
-- one.  Every event of an agency's day updates its counter row in the
-- event's own transaction; with one row, all of them queued on that row's
-- lock through their commits (the status-change benchmark measured it).
-- A reader sums the shards: SELECT day, agency_code, ..., SUM(received) ...
-- GROUP BY day, agency_code, procedure_code.
ALTER TABLE sub_daily
  ADD COLUMN shard TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER procedure_code,
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (day, agency_code, procedure_code, shard);
ALTER TABLE pay_daily
  ADD COLUMN shard TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER grp,
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (day, agency_code, grp, shard);
