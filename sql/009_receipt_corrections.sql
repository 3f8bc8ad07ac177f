-- 009: cancelling and adjusting an e-receipt (NĐ 123/2020/NĐ-CP, Điều 19 on
-- documents with errors; TT 78/2021/TT-BTC): never by changing the receipt, always by a new
-- row of table receipt that refers to it.
--
-- * adjustment (biên lai điều chỉnh): a receipt in its own right, so it
--   takes the next number of the agency's current series, in the order
--   receipts are issued (a gapless series with adjustments interleaved);
--   it says which receipt it adjusts (mẫu số, ký hiệu, số, ngày), why,
--   and the difference in đồng (negative: điều chỉnh giảm; 0: a correction
--   of the text only).
-- * cancellation (hủy biên lai): not a receipt but the unit's notice that
--   one is void (Mẫu 04/SS-HĐĐT's role); the law gives it no receipt number,
--   so number is NULL and the series is the cancelled receipt's.  At most
--   one per receipt, and nothing adjusts a cancelled receipt.
--
-- The payment user has only SELECT and INSERT on receipt (sql/grants.sql);
-- the triggers below also stop an operator with more rights from changing
-- or deleting a row by hand, and check a reference before the row exists.

ALTER TABLE receipt
  MODIFY number BIGINT NULL,
  ADD COLUMN reason    VARCHAR(500) NULL,          -- why it was cancelled or adjusted
  ADD COLUMN issued_by VARCHAR(100) NULL,          -- the staff login, or 'hoan-tien' (the refund job)
  ADD COLUMN cancels   BIGINT UNSIGNED AS (IF(kind = 'cancellation', refers_to, NULL)) PERSISTENT,
  ADD UNIQUE KEY receipt_cancelled_once (cancels),
  ADD KEY (refers_to),
  ADD CONSTRAINT chk_receipt_kind CHECK (
    (kind = 'receipt' AND refers_to IS NULL AND number IS NOT NULL) OR
    (kind = 'adjustment' AND refers_to IS NOT NULL AND number IS NOT NULL AND reason IS NOT NULL) OR
    (kind = 'cancellation' AND refers_to IS NOT NULL AND number IS NULL AND reason IS NOT NULL));

-- A staff member's refund of a paid obligation: why, and who asked.  The
-- refund job's confirmation from the bank writes the cancellation.
ALTER TABLE payment_attempt
  ADD COLUMN refund_reason VARCHAR(500) NULL,
  ADD COLUMN refund_by     VARCHAR(100) NULL;

DELIMITER //
CREATE TRIGGER receipt_never_updated BEFORE UPDATE ON receipt FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'a receipt is never changed: issue a cancellation or an adjustment'//
CREATE TRIGGER receipt_never_deleted BEFORE DELETE ON receipt FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'a receipt is never deleted: issue a cancellation'//
CREATE TRIGGER receipt_refers_to_a_receipt BEFORE INSERT ON receipt FOR EACH ROW
BEGIN
  IF NEW.refers_to IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM receipt WHERE id = NEW.refers_to AND kind = 'receipt'
                   AND obligation_id = NEW.obligation_id) THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'a cancellation or adjustment refers to a receipt of the same obligation';
    END IF;
    IF EXISTS (SELECT 1 FROM receipt WHERE refers_to = NEW.refers_to AND kind = 'cancellation') THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the receipt is cancelled already';
    END IF;
  END IF;
END//
DELIMITER ;
