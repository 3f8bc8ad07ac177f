-- 016: the sweeper finds unpaid obligations past their due date by index.
--
-- Why: cgi-bin/payment/jobs.c's job_expire() asks every few seconds for
-- the unpaid obligations whose due date has passed (Vietnam's day), and
-- marks them expired.  Without this key that is a scan of every
-- obligation ever written; with it, the range of unpaid ones due before
-- today.
ALTER TABLE obligation ADD KEY due (status, due_date);
