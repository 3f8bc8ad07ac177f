-- 013: a status change and a paid bank callback in two round trips each.
--
-- Why: after 010 and 011 each still took START, the FOR UPDATE load, the
-- write CALL and COMMIT, and on the 2-core machine a round trip costs more
-- than the SQL in it (the profiles are led by the hypervisor's context
-- switch).  Now the procedure that locks and loads the row begins the
-- transaction (START TRANSACTION is its first statement) and answers with
-- the row; C decides on it as before; the write procedure ends with COMMIT.
-- lib/db.h's db_tx_call() runs such a pair: it sends neither START nor
-- COMMIT, commits or rolls back itself when the C code ends early (a
-- refusal, a replay), and redoes the whole on a deadlock or a lock wait as
-- db_tx() does.  Every guarantee is still the one transaction's.
--
-- For the IPN this also means the agency's receipt series row is held only
-- inside the server, from its UPDATE to the COMMIT, never across a round
-- trip of the client's: every payment of an agency waits on that row.
--
-- dossier_status_write and ipn_settle_paid are created anew with COMMIT as
-- their last statement: this file is their definition from now on (010 and
-- 011 are history).  Dropping a routine drops its EXECUTE grants; the stack
-- re-applies sql/grants.sql after every migration.

-- A dossier as the submission area loads it: one definition of the
-- columns (and their order) for cgi-bin/submission/store.c's reads and
-- for dossier_lock_begin below.  MariaDB merges the view into the query
-- (checked with EXPLAIN: the dossier by its unique code, the citizen by its
-- key), so FOR UPDATE through it locks the dossier's row; the citizen's
-- contact is a subquery, a plain consistent read: that row is not locked.
-- SQL SECURITY INVOKER: read with the caller's own grants.
CREATE SQL SECURITY INVOKER VIEW dossier_row AS
SELECT d.id, d.code, d.procedure_code, d.agency_code, d.citizen_id, d.applicant_name,
       d.applicant_id, DATE_FORMAT(d.applicant_dob, '%Y-%m-%d') AS applicant_dob,
       d.applicant_address, d.applicant_phone, d.channel, d.result_channel, d.status,
       d.tracking_secret_hash,
       DATE_FORMAT(d.received_at + INTERVAL 7 HOUR, '%Y-%m-%dT%H:%i:%s+07:00') AS received_at,
       DATE_FORMAT(d.due_day, '%Y-%m-%d') AS due_day,
       DATE_FORMAT(d.received_day, '%Y-%m-%d') AS received_day, d.paused_days_left,
       DATE_FORMAT(d.updated_at + INTERVAL 7 HOUR, '%Y-%m-%dT%H:%i:%s+07:00') AS updated_at,
       (SELECT c.contact FROM citizen c WHERE c.id = d.citizen_id) AS citizen_contact,
       DATE_FORMAT(UTC_TIMESTAMP() + INTERVAL 7 HOUR, '%Y-%m-%dT%H:%i:%s+07:00') AS loaded_at
  FROM dossier d;

DELIMITER //

-- Begins a status change: a new transaction, the dossier locked and read.
-- (no CHARSET: the parameter takes the database's collation, as the column)
CREATE PROCEDURE dossier_lock_begin(IN p_code VARCHAR(40))
SQL SECURITY INVOKER
BEGIN
  START TRANSACTION;
  SELECT * FROM dossier_row WHERE code = p_code FOR UPDATE;
END//

-- Begins the settling of a bank's answer: a new transaction, the attempt
-- and its obligation locked and read with what the decision and the
-- receipt need (cgi-bin/payment/settle.c reads the columns in this order).
-- The agency's webhook endpoint is read here so the paid path need not ask
-- while it holds the series.  A subquery of a SELECT ... FOR UPDATE is a
-- plain consistent read (checked: an UPDATE of the endpoint row does not
-- wait for it), so payments of one agency do not queue on that row.
CREATE PROCEDURE attempt_lock_begin(IN p_txn_ref VARCHAR(34))
SQL SECURITY INVOKER
BEGIN
  START TRANSACTION;
  SELECT a.id, a.amount, a.state, o.id, o.status, o.agency_code, o.grp,
         o.payment_code, o.reference, o.payer_name, o.payer_id, o.total, o.dossier_code,
         (SELECT GROUP_CONCAT(l.name ORDER BY l.line_no SEPARATOR '; ')
            FROM obligation_line l WHERE l.obligation_id = o.id),
         (SELECT w.url FROM pay_webhook_endpoint w WHERE w.agency_code = o.agency_code)
    FROM payment_attempt a JOIN obligation o ON o.id = a.obligation_id
   WHERE a.txn_ref = p_txn_ref FOR UPDATE;
END//

-- 010's writes of one status change, then COMMIT (see above).
DROP PROCEDURE dossier_status_write//
CREATE PROCEDURE dossier_status_write(
    IN p_dossier BIGINT UNSIGNED, IN p_code VARCHAR(128) CHARSET utf8mb4,
    IN p_from TINYINT UNSIGNED, IN p_to TINYINT UNSIGNED,
    IN p_actor_kind VARCHAR(16) CHARSET utf8mb4, IN p_actor_id BIGINT UNSIGNED,
    IN p_actor_name VARCHAR(100) CHARSET utf8mb4, IN p_reason TEXT CHARSET utf8mb4,
    IN p_addr VARCHAR(45) CHARSET utf8mb4,
    IN p_day DATE, IN p_agency VARCHAR(20) CHARSET utf8mb4,
    IN p_procedure VARCHAR(16) CHARSET utf8mb4,
    IN p_c1 VARCHAR(32) CHARSET utf8mb4, IN p_c2 VARCHAR(32) CHARSET utf8mb4,
    IN p_sync_head MEDIUMTEXT CHARSET utf8mb4, IN p_sync_tail MEDIUMTEXT CHARSET utf8mb4,
    IN p_notify_to VARCHAR(128) CHARSET utf8mb4, IN p_notify MEDIUMTEXT CHARSET utf8mb4,
    IN p_staff_id BIGINT UNSIGNED, IN p_staff_login VARCHAR(64) CHARSET utf8mb4,
    IN p_staff_agency VARCHAR(20) CHARSET utf8mb4, IN p_audit_detail TEXT CHARSET utf8mb4,
    IN p_user_agent VARCHAR(300) CHARSET utf8mb4)
SQL SECURITY INVOKER
BEGIN
  DECLARE ev BIGINT UNSIGNED;
  UPDATE dossier SET status = p_to, updated_at = UTC_TIMESTAMP(3),
         finished_at = IF(p_to = 9, UTC_TIMESTAMP(3), finished_at),
         returned_at = IF(p_to = 10, UTC_TIMESTAMP(3), returned_at)
   WHERE id = p_dossier;
  IF ROW_COUNT() <> 1 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'dossier_status_write: no such dossier';
  END IF;
  INSERT INTO dossier_event (dossier_id, at, actor_kind, actor_id, actor_name, from_status,
                             to_status, reason, client_addr)
    VALUES (p_dossier, UTC_TIMESTAMP(3), p_actor_kind, p_actor_id, p_actor_name, p_from, p_to,
            p_reason, p_addr);
  SET ev = LAST_INSERT_ID();
  IF p_c1 IS NOT NULL THEN
    CALL sub_daily_add(p_day, p_agency, p_procedure, p_c1, p_c2, 1);
  END IF;
  CALL outbox_add('sync', p_code, NULL, CONCAT(p_sync_head, ev, p_sync_tail), UTC_TIMESTAMP(3));
  IF p_notify IS NOT NULL THEN
    CALL outbox_add('notify', p_notify_to, NULL, p_notify, UTC_TIMESTAMP(3));
  END IF;
  IF p_staff_id IS NOT NULL THEN
    CALL audit_add(p_staff_id, p_staff_login, p_staff_agency, 'dossier_status', p_code,
                   p_audit_detail, p_addr, p_user_agent);
  END IF;
  COMMIT;
END//

-- 011's writes of a paid callback, then COMMIT (see above).
DROP PROCEDURE ipn_settle_paid//
CREATE PROCEDURE ipn_settle_paid(
  IN p_att BIGINT UNSIGNED, IN p_obl BIGINT UNSIGNED,
  -- the bank's answer (payment_attempt)
  IN p_response_code VARCHAR(4), IN p_transaction_status VARCHAR(4),
  IN p_transaction_no VARCHAR(20), IN p_bank_code VARCHAR(20),
  IN p_bank_tran_no VARCHAR(40), IN p_card_type VARCHAR(20),
  IN p_pay_date CHAR(14), IN p_settled_by VARCHAR(8),
  -- the raw callback and our answer to it (callback_raw)
  IN p_cb_addr VARCHAR(45), IN p_cb_raw MEDIUMTEXT, IN p_cb_txn_ref VARCHAR(34),
  IN p_cb_result VARCHAR(4),
  -- the day's counter and the receipt
  IN p_agency VARCHAR(20), IN p_grp VARCHAR(16), IN p_total BIGINT, IN p_year SMALLINT,
  IN p_payer_name VARCHAR(200), IN p_payer_id VARCHAR(20), IN p_description VARCHAR(500),
  IN p_method VARCHAR(100), IN p_token CHAR(32),
  -- the webhook event around the receipt's series and number:
  -- head + "TEMPLATE-SERIES" (JSON) + ',"number":' + number + tail
  IN p_code CHAR(12), IN p_hook_url VARCHAR(1000), IN p_hook_head MEDIUMTEXT,
  IN p_hook_tail VARCHAR(100),
  -- the submission area's message
  IN p_dossier VARCHAR(128), IN p_dossier_payload MEDIUMTEXT)
  MODIFIES SQL DATA
  SQL SECURITY INVOKER
BEGIN
  DECLARE v_no BIGINT;
  DECLARE v_tpl, v_ser VARCHAR(20);
  DECLARE v_msg VARCHAR(128);
  DECLARE v_now DATETIME(3) DEFAULT UTC_TIMESTAMP(3);

  -- The attempt and its obligation paid in one statement; both rows are
  -- locked by the caller's SELECT … FOR UPDATE, and both change.  One
  -- time for the whole payment (v_now): paid, stored, issued, queued.
  UPDATE payment_attempt a JOIN obligation o ON o.id = a.obligation_id
     SET a.state = 'paid', a.refund_state = 'none', a.response_code = p_response_code,
         a.transaction_status = p_transaction_status, a.transaction_no = p_transaction_no,
         a.bank_code = COALESCE(p_bank_code, a.bank_code), a.bank_tran_no = p_bank_tran_no,
         a.card_type = p_card_type, a.pay_date = p_pay_date, a.settled_by = p_settled_by,
         a.settled_at = v_now,
         o.status = 'paid', o.paid_attempt_id = a.id, o.paid_at = v_now
   WHERE a.id = p_att AND o.id = p_obl;
  IF ROW_COUNT() <> 2 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ipn_settle_paid: the attempt and its obligation were not both paid';
  END IF;

  -- The callback, with its answer, before the hot rows below are locked.
  IF p_cb_raw IS NOT NULL THEN
    INSERT INTO callback_raw (gateway, kind, received_at, client_addr, raw, txn_ref, result)
    VALUES ('vnpay', 'ipn', v_now, p_cb_addr, p_cb_raw, p_cb_txn_ref, p_cb_result);
  END IF;

  -- The hot rows (the day's counter, the series) last, so they are held
  -- for as short a time as the commit allows.  The counter: one of 8
  -- shards per day, by connection (008).
  INSERT INTO pay_daily (day, agency_code, grp, shard, paid_count, paid_amount)
  VALUES (DATE(v_now + INTERVAL 7 HOUR), p_agency, p_grp, CONNECTION_ID() % 8, 1, p_total)
  ON DUPLICATE KEY UPDATE paid_count = paid_count + 1, paid_amount = paid_amount + VALUES(paid_amount);

  -- The next number of the agency's current series for the year: the row
  -- is locked (X) by this UPDATE until the caller commits, and
  -- LAST_INSERT_ID(expr) hands the number back.  Taken first, created only
  -- when missing (once a year): INSERT IGNORE on an existing row takes a
  -- shared lock, and two payments holding it would deadlock on the way to
  -- the update.
  UPDATE receipt_series SET last_no = LAST_INSERT_ID(last_no + 1)
   WHERE agency_code = p_agency AND year = p_year AND (template_symbol, series_symbol) =
         (SELECT template_symbol, series_symbol FROM pay_receipt_setting WHERE agency_code = p_agency);
  IF ROW_COUNT() = 0 THEN
    INSERT IGNORE INTO receipt_series (agency_code, year, template_symbol, series_symbol)
      SELECT agency_code, p_year, template_symbol, series_symbol FROM pay_receipt_setting
       WHERE agency_code = p_agency;
    UPDATE receipt_series SET last_no = LAST_INSERT_ID(last_no + 1)
     WHERE agency_code = p_agency AND year = p_year AND (template_symbol, series_symbol) =
           (SELECT template_symbol, series_symbol FROM pay_receipt_setting WHERE agency_code = p_agency);
    IF ROW_COUNT() = 0 THEN
      -- settle.c knows this message (the same 500 as before the procedure)
      SET v_msg = CONCAT('payment: agency ', p_agency, ' has no receipt setting');
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
    END IF;
  END IF;
  SET v_no = LAST_INSERT_ID();

  -- The receipt with that number, its unit and symbols read from the same
  -- rows in the same statement.  s.last_no = the number just taken: if the
  -- setting changed in between, this finds no row (or a taken number: the
  -- unique key refuses it) and the payment is redone, never misnumbered.
  INSERT INTO receipt (series_id, number, kind, obligation_id, attempt_id, agency_code,
                       unit_name, tax_code, template_symbol, series_symbol, payer_name, payer_id,
                       description, amount, method, issued_at, verify_token)
  SELECT s.id, s.last_no, 'receipt', p_obl, p_att, rs.agency_code, rs.unit_name, rs.tax_code,
         rs.template_symbol, rs.series_symbol, p_payer_name, p_payer_id, p_description,
         p_total, p_method, v_now, p_token
    FROM receipt_series s JOIN pay_receipt_setting rs ON s.agency_code = rs.agency_code
         AND s.template_symbol = rs.template_symbol AND s.series_symbol = rs.series_symbol
   WHERE rs.agency_code = p_agency AND s.year = p_year AND s.last_no = v_no;
  IF ROW_COUNT() <> 1 THEN
    SET v_msg = CONCAT('payment: receipt ', v_no, ' of ', p_agency, ' not written (setting changed?)');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;

  -- The webhook event names the receipt as written (this transaction's
  -- own row); the endpoint's URL was read with the attempt.
  IF p_hook_url IS NOT NULL THEN
    SELECT template_symbol, series_symbol INTO v_tpl, v_ser FROM receipt WHERE id = LAST_INSERT_ID();
    CALL outbox_add('webhook', p_code, p_hook_url,
                    CONCAT(p_hook_head, JSON_QUOTE(CONCAT(v_tpl, '-', v_ser)), ',"number":', v_no,
                           p_hook_tail), v_now);
  END IF;
  -- The submission area moves the dossier on from status 6.
  IF p_dossier IS NOT NULL THEN
    CALL outbox_add('dossier', p_dossier, NULL, p_dossier_payload, v_now);
  END IF;
  -- The series row is held only from its UPDATE above to here: no round
  -- trip of the client's falls inside.
  COMMIT;
END//

DELIMITER ;
