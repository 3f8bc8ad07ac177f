-- 011: a paid callback's writes in one stored procedure, called once.
--
-- Why: the bank's IPN settled a success in 8 round trips to MariaDB (START,
-- the attempt locked, attempt + obligation paid, the raw callback, the
-- day's counter, the receipt number, the receipt, COMMIT; + outbox rows).
-- On the 2-core machine a round trip costs more than the SQL in it: a
-- transaction of 5 one-row INSERTs ran at 2500 tx/s at 4 connections, the
-- same 5 INSERTs in one procedure called once (a prepared CALL) at 3650;
-- at 32 connections 3185 against 5480.  So the C code (settle.c) keeps
-- START, the FOR UPDATE load and the decision (amount, replay, a second
-- success, a failure) and COMMIT, and hands everything written after a
-- success to ipn_settle_paid: START, lock, CALL, COMMIT.
--
-- Every guarantee is the transaction's, as before: the procedure runs in
-- the caller's transaction and commits nothing itself; an error in it
-- (a deadlock, a lock wait, a SIGNAL below) fails the CALL, and db_tx()
-- rolls back and redoes or gives up as for any statement.
--
-- SQL SECURITY INVOKER: each statement is checked against the caller's
-- (portal_payment's) own grants, so EXECUTE on it gives that user nothing
-- it did not have (its definer, the migration's user, lends it nothing).
-- It sends no result set, so a prepared CALL is answered with one OK
-- packet, like any write (lib/db.c's db_exec).
--
-- Parameters are sized like the columns they go to.  p_cb_raw NULL: no raw
-- callback to store (return page, querydr, sweeper); p_hook_url NULL: the
-- agency has no webhook; p_dossier NULL: the obligation is not a dossier's.

DELIMITER //
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
END//
DELIMITER ;
