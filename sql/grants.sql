-- Users and grants, re-applied by conf/stack.sh on every start. @…@ are
-- filled in from generated secrets under var/secrets (never committed).
-- Each area has its own user holding only what it needs.

-- The catalog reads its own tables only: never citizens, dossiers or
-- payments.  It may check a staff session (its intranet tools) and audit
-- what staff do there.
CREATE USER IF NOT EXISTS 'portal_catalog'@'localhost' IDENTIFIED BY '@CATALOG_PASSWORD@';
ALTER USER 'portal_catalog'@'localhost' IDENTIFIED BY '@CATALOG_PASSWORD@';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'portal_catalog'@'localhost';
GRANT SELECT ON `@DB@`.province TO 'portal_catalog'@'localhost';
GRANT SELECT ON `@DB@`.commune TO 'portal_catalog'@'localhost';
GRANT SELECT ON `@DB@`.agency TO 'portal_catalog'@'localhost';
GRANT SELECT ON `@DB@`.procedure_field TO 'portal_catalog'@'localhost';
GRANT SELECT ON `@DB@`.`procedure` TO 'portal_catalog'@'localhost';
GRANT SELECT ON `@DB@`.procedure_channel TO 'portal_catalog'@'localhost';
GRANT SELECT ON `@DB@`.procedure_document TO 'portal_catalog'@'localhost';
GRANT SELECT ON `@DB@`.procedure_result TO 'portal_catalog'@'localhost';
GRANT SELECT ON `@DB@`.procedure_legal TO 'portal_catalog'@'localhost';
GRANT SELECT ON `@DB@`.catalog_meta TO 'portal_catalog'@'localhost';
GRANT SELECT (id, login, name, agency_code, roles, active) ON `@DB@`.staff TO 'portal_catalog'@'localhost';
GRANT SELECT, UPDATE (last_seen) ON `@DB@`.session TO 'portal_catalog'@'localhost';
GRANT INSERT ON `@DB@`.audit_log TO 'portal_catalog'@'localhost';
GRANT EXECUTE ON PROCEDURE `@DB@`.audit_add TO 'portal_catalog'@'localhost';
-- ... and writes what search learns: misses counted, staff's dictionary
-- entries (searchlog.h).  Rows are never deleted.
GRANT INSERT, UPDATE, SELECT ON `@DB@`.search_miss TO 'portal_catalog'@'localhost';
GRANT INSERT, UPDATE, SELECT ON `@DB@`.search_synonym TO 'portal_catalog'@'localhost';

-- The importer writes the catalog tables and nothing else.
CREATE USER IF NOT EXISTS 'portal_import'@'localhost' IDENTIFIED BY '@IMPORT_PASSWORD@';
ALTER USER 'portal_import'@'localhost' IDENTIFIED BY '@IMPORT_PASSWORD@';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'portal_import'@'localhost';
GRANT SELECT ON `@DB@`.province TO 'portal_import'@'localhost';
GRANT SELECT ON `@DB@`.commune TO 'portal_import'@'localhost';
GRANT SELECT ON `@DB@`.agency TO 'portal_import'@'localhost';
GRANT SELECT ON `@DB@`.procedure_field TO 'portal_import'@'localhost';
GRANT SELECT ON `@DB@`.`procedure` TO 'portal_import'@'localhost';
GRANT SELECT ON `@DB@`.procedure_channel TO 'portal_import'@'localhost';
GRANT SELECT ON `@DB@`.procedure_document TO 'portal_import'@'localhost';
GRANT SELECT ON `@DB@`.procedure_result TO 'portal_import'@'localhost';
GRANT SELECT ON `@DB@`.procedure_legal TO 'portal_import'@'localhost';
GRANT SELECT ON `@DB@`.catalog_meta TO 'portal_import'@'localhost';
GRANT INSERT, UPDATE, DELETE ON `@DB@`.province TO 'portal_import'@'localhost';
GRANT INSERT, UPDATE, DELETE ON `@DB@`.commune TO 'portal_import'@'localhost';
GRANT INSERT, UPDATE, DELETE ON `@DB@`.agency TO 'portal_import'@'localhost';
GRANT INSERT, UPDATE, DELETE ON `@DB@`.procedure_field TO 'portal_import'@'localhost';
GRANT INSERT, UPDATE, DELETE ON `@DB@`.`procedure` TO 'portal_import'@'localhost';
GRANT INSERT, UPDATE, DELETE ON `@DB@`.procedure_channel TO 'portal_import'@'localhost';
GRANT INSERT, UPDATE, DELETE ON `@DB@`.procedure_document TO 'portal_import'@'localhost';
GRANT INSERT, UPDATE, DELETE ON `@DB@`.procedure_result TO 'portal_import'@'localhost';
GRANT INSERT, UPDATE, DELETE ON `@DB@`.procedure_legal TO 'portal_import'@'localhost';
GRANT INSERT, UPDATE ON `@DB@`.catalog_meta TO 'portal_import'@'localhost';

-- The submission area: accounts, sessions, dossiers and their documents,
-- events, ratings, counters and its outbox messages; it reads the catalog's
-- tables to build the filing form.  It writes an obligation (owned by the
-- payment area) through lib/obligation.h; those grants are the payment
-- area's to give, next to its tables.
CREATE USER IF NOT EXISTS 'portal_submission'@'localhost' IDENTIFIED BY '@SUBMISSION_PASSWORD@';
ALTER USER 'portal_submission'@'localhost' IDENTIFIED BY '@SUBMISSION_PASSWORD@';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'portal_submission'@'localhost';
GRANT SELECT ON `@DB@`.province TO 'portal_submission'@'localhost';
GRANT SELECT ON `@DB@`.agency TO 'portal_submission'@'localhost';
GRANT SELECT ON `@DB@`.`procedure` TO 'portal_submission'@'localhost';
GRANT SELECT ON `@DB@`.procedure_channel TO 'portal_submission'@'localhost';
GRANT SELECT ON `@DB@`.procedure_document TO 'portal_submission'@'localhost';
GRANT SELECT ON `@DB@`.agency_former_name TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.citizen TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.staff TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.session TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT, DELETE ON `@DB@`.attempt TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.limit_hold TO 'portal_submission'@'localhost';
GRANT INSERT ON `@DB@`.audit_log TO 'portal_submission'@'localhost';
GRANT EXECUTE ON PROCEDURE `@DB@`.audit_add TO 'portal_submission'@'localhost';
GRANT EXECUTE ON PROCEDURE `@DB@`.outbox_add TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.outbox TO 'portal_submission'@'localhost';
GRANT EXECUTE ON PROCEDURE `@DB@`.outbox_claim TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.dossier_seq TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.dossier TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT ON `@DB@`.document_blob TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT ON `@DB@`.dossier_document TO 'portal_submission'@'localhost';
-- the desk attaching a walk-in's dossier gives its papers to the account (desk.c)
GRANT UPDATE (owner_citizen_id) ON `@DB@`.dossier_document TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT ON `@DB@`.dossier_event TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT ON `@DB@`.rating TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.otp_code TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.sub_daily TO 'portal_submission'@'localhost';
GRANT SELECT ON `@DB@`.holiday TO 'portal_submission'@'localhost';
GRANT SELECT ON `@DB@`.holiday_year TO 'portal_submission'@'localhost';
-- A status change's writes in one call (sql/010); SQL SECURITY INVOKER:
-- they run with the grants above, no more.
GRANT EXECUTE ON PROCEDURE `@DB@`.dossier_status_write TO 'portal_submission'@'localhost';
-- and its start: the transaction begun, the dossier locked and read through
-- the view of its columns (sql/013)
GRANT EXECUTE ON PROCEDURE `@DB@`.dossier_lock_begin TO 'portal_submission'@'localhost';
GRANT SELECT ON `@DB@`.dossier_row TO 'portal_submission'@'localhost';
GRANT EXECUTE ON PROCEDURE `@DB@`.sub_daily_add TO 'portal_submission'@'localhost';
-- It writes an obligation when a dossier reaches status 6 (lib/obligation.h):
-- the payment area's tables, only what that call needs, and reads the
-- obligation's status for the dossier page.
GRANT SELECT ON `@DB@`.pay_beneficiary TO 'portal_submission'@'localhost';
GRANT SELECT ON `@DB@`.pay_receipt_setting TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT ON `@DB@`.obligation TO 'portal_submission'@'localhost';
-- and cancels what is still payable when the dossier leaves 6 another way
GRANT UPDATE (status, cancelled_at) ON `@DB@`.obligation TO 'portal_submission'@'localhost';
GRANT SELECT, INSERT ON `@DB@`.obligation_line TO 'portal_submission'@'localhost';
-- and, once paid, the link to its receipt (the columns that link needs)
GRANT SELECT (id, obligation_id, kind, verify_token) ON `@DB@`.receipt TO 'portal_submission'@'localhost';
-- a filing posted twice files one dossier (lib/once.h)
GRANT SELECT, INSERT, UPDATE ON `@DB@`.form_once TO 'portal_submission'@'localhost';

-- The payment area (sql/005_payment.sql).  Receipts and raw callbacks are
-- INSERT-only for every program: never edited, never deleted.
CREATE USER IF NOT EXISTS 'portal_payment'@'localhost' IDENTIFIED BY '@PAYMENT_PASSWORD@';
ALTER USER 'portal_payment'@'localhost' IDENTIFIED BY '@PAYMENT_PASSWORD@';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'portal_payment'@'localhost';
GRANT SELECT ON `@DB@`.staff TO 'portal_payment'@'localhost';
GRANT SELECT, UPDATE (last_seen) ON `@DB@`.session TO 'portal_payment'@'localhost';
GRANT INSERT ON `@DB@`.audit_log TO 'portal_payment'@'localhost';
GRANT EXECUTE ON PROCEDURE `@DB@`.audit_add TO 'portal_payment'@'localhost';
GRANT EXECUTE ON PROCEDURE `@DB@`.outbox_add TO 'portal_payment'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.outbox TO 'portal_payment'@'localhost';
GRANT EXECUTE ON PROCEDURE `@DB@`.outbox_claim TO 'portal_payment'@'localhost';
GRANT SELECT ON `@DB@`.pay_bank TO 'portal_payment'@'localhost';
-- misses of the public /pay/ finder, counted per client address (pay.c)
GRANT SELECT, INSERT, DELETE ON `@DB@`.attempt TO 'portal_payment'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.limit_hold TO 'portal_payment'@'localhost';
GRANT SELECT ON `@DB@`.agency TO 'portal_payment'@'localhost';
GRANT SELECT ON `@DB@`.pay_beneficiary TO 'portal_payment'@'localhost';
GRANT SELECT ON `@DB@`.pay_receipt_setting TO 'portal_payment'@'localhost';
GRANT SELECT ON `@DB@`.api_key TO 'portal_payment'@'localhost';
GRANT SELECT ON `@DB@`.pay_webhook_endpoint TO 'portal_payment'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.obligation TO 'portal_payment'@'localhost';
GRANT SELECT, INSERT ON `@DB@`.obligation_line TO 'portal_payment'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.payment_attempt TO 'portal_payment'@'localhost';
GRANT SELECT, INSERT ON `@DB@`.callback_raw TO 'portal_payment'@'localhost';
GRANT UPDATE (result) ON `@DB@`.callback_raw TO 'portal_payment'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.receipt_series TO 'portal_payment'@'localhost';
GRANT SELECT, INSERT ON `@DB@`.receipt TO 'portal_payment'@'localhost';
GRANT SELECT, INSERT, DELETE ON `@DB@`.api_nonce TO 'portal_payment'@'localhost';
-- an Idempotency-Key is claimed by its row, its answer written into it (api.c)
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.pay_idempotency TO 'portal_payment'@'localhost';
GRANT SELECT, INSERT ON `@DB@`.pay_webhook_delivery TO 'portal_payment'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.pay_daily TO 'portal_payment'@'localhost';
-- /pay/{code} reads a signed-in citizen's session (lib/session.c: the
-- citizen's name and contact for r->user), to link a dossier's obligation
-- to the dossier's page for its owner only: the columns that needs, no more.
GRANT SELECT (id, name, contact) ON `@DB@`.citizen TO 'portal_payment'@'localhost';
GRANT SELECT (code, citizen_id) ON `@DB@`.dossier TO 'portal_payment'@'localhost';
-- a receipt adjustment posted twice is made once (lib/once.h)
GRANT SELECT, INSERT, UPDATE ON `@DB@`.form_once TO 'portal_payment'@'localhost';
-- A paid callback's writes in one call (sql/011_ipn_settle.sql).  SQL
-- SECURITY INVOKER: its statements need the grants above, nothing more.
GRANT EXECUTE ON PROCEDURE `@DB@`.ipn_settle_paid TO 'portal_payment'@'localhost';
-- and its start: the transaction begun, the attempt locked and read (sql/013)
GRANT EXECUTE ON PROCEDURE `@DB@`.attempt_lock_begin TO 'portal_payment'@'localhost';

-- The operator's tool: the settings, the keys and the bank list.
CREATE USER IF NOT EXISTS 'portal_payment_admin'@'localhost' IDENTIFIED BY '@PAYMENT_ADMIN_PASSWORD@';
ALTER USER 'portal_payment_admin'@'localhost' IDENTIFIED BY '@PAYMENT_ADMIN_PASSWORD@';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'portal_payment_admin'@'localhost';
GRANT SELECT ON `@DB@`.agency TO 'portal_payment_admin'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.pay_bank TO 'portal_payment_admin'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.pay_beneficiary TO 'portal_payment_admin'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.pay_receipt_setting TO 'portal_payment_admin'@'localhost';
GRANT SELECT, INSERT, UPDATE ON `@DB@`.api_key TO 'portal_payment_admin'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.pay_webhook_endpoint TO 'portal_payment_admin'@'localhost';
