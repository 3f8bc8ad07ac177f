-- 002: an agency that is no longer in the public data is kept (its code
-- may be in dossiers and bookmarks) but retired, not shown.
ALTER TABLE agency ADD COLUMN active TINYINT(1) NOT NULL DEFAULT 1 AFTER code_source;
