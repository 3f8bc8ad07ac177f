-- 027: the day's counters say all the money that moved, not only the
-- obligations paid.
--
-- Why: pay_daily counted a payment of an obligation on the day it was paid
-- (paid_count, paid_amount) and nothing else.  But the beneficiary's
-- account also receives a second success for an obligation already paid
-- (kept as a duplicate, to be refunded: settle.c), and later sends money
-- back (the refund job, refund.c: a duplicate, or a payment a staff member
-- had refunded).  An auditor reconciling the account's statement for a day,
-- and the statistics page, need both, in the same event's transaction as
-- every counter here: money in on a day = paid_amount + dup_amount, money
-- out = refunded_amount.  paid_* never goes down: a counter is what
-- happened that day, and a refund is an event of its own day.  Rows
-- written before this migration have 0 in the new columns (they were not
-- counted then; the attempts' own rows, settled_at and refunded_at, hold
-- the history).
ALTER TABLE pay_daily
  ADD COLUMN dup_count BIGINT NOT NULL DEFAULT 0 AFTER paid_amount,
  ADD COLUMN dup_amount BIGINT NOT NULL DEFAULT 0 AFTER dup_count,
  ADD COLUMN refunded_count BIGINT NOT NULL DEFAULT 0 AFTER dup_amount,
  ADD COLUMN refunded_amount BIGINT NOT NULL DEFAULT 0 AFTER refunded_count;
