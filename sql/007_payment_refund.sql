-- 007: callbacks spooled to a file while the database was away, moved in
-- once (spool_name unique); refunds of flagged second successes, tried by
-- the refund job with back-off.

ALTER TABLE callback_raw
  ADD COLUMN spool_name VARCHAR(64) NULL,        -- the spool file it came from
  ADD UNIQUE KEY (spool_name);

ALTER TABLE payment_attempt
  ADD COLUMN refund_next_at DATETIME(3) NULL,    -- when the refund job tries next
  ADD COLUMN refund_tries   INT          NOT NULL DEFAULT 0,
  ADD COLUMN refunded_at    DATETIME(3)  NULL,
  ADD COLUMN refund_error   VARCHAR(255) NULL,   -- the bank's last answer, for staff
  ADD KEY (refund_state, refund_next_at);
