-- 019: the shell's actions are audited too.
--
-- submission-admin staff-add (how the first administrator is made) writes
-- an audit row like the intranet's staff page does.  Nobody is logged in
-- there: no staff account stands behind the action, so staff_id is NULL
-- rather than an invented id, and staff_login says who it was:
-- 'shell:' followed by the operating-system user that ran the tool.
-- audit_add (sql/010) passes its p_staff_id through unchanged, NULL too.
ALTER TABLE audit_log MODIFY staff_id BIGINT UNSIGNED NULL;
