-- 015: a sender's claim reads one index entry per subject, not all of them.
--
-- Why: 014's head-of-subject test was MIN(id) of the subject's pending
-- messages.  Correlated, MariaDB computes that MIN by reading every pending
-- entry of the subject in the `head` index (Handler_read_next = the
-- subject's backlog), so each claim cost O(backlog of that subject) and a
-- drain O(n^2): a citizen with many notices, an agency's webhooks after its
-- endpoint was down, the national portal's sync after an outage.  In the
-- status bench one citizen's notices made the notify sender's MariaDB thread
-- the largest single consumer of the database's CPU.  ORDER BY id LIMIT 1 on
-- the same index reads the first entry only (measured: 20,000 reads -> 0 for
-- a subject with 20,000 pending).  Same statements, same transaction, same
-- guarantees as 014 (read its header).
--
-- Still linear, and left so: while a subject's head is leased or backing
-- off, a claim walks that subject's later messages (none of them is a
-- head) before it finds another subject's.  That is one walk per claim
-- that finds nothing new, not one per message delivered.

DROP PROCEDURE IF EXISTS outbox_claim;

DELIMITER //
CREATE PROCEDURE outbox_claim(IN p_topic VARCHAR(16), IN p_lease INT,
                              IN p_prev BIGINT UNSIGNED, IN p_prev_attempts INT UNSIGNED,
                              IN p_prev_ok TINYINT, IN p_prev_err VARCHAR(512),
                              IN p_prev_wait INT)
SQL SECURITY INVOKER
BEGIN
  DECLARE v_id BIGINT UNSIGNED DEFAULT NULL;
  START TRANSACTION;
  IF p_prev > 0 AND p_prev_ok THEN
    UPDATE outbox SET state = 'done', delivered_at = UTC_TIMESTAMP(3), last_error = NULL
     WHERE id = p_prev AND attempts = p_prev_attempts AND state = 'pending';
  ELSEIF p_prev > 0 THEN
    UPDATE outbox SET last_error = p_prev_err,
                      next_at = UTC_TIMESTAMP(3) + INTERVAL p_prev_wait SECOND
     WHERE id = p_prev AND attempts = p_prev_attempts AND state = 'pending';
  END IF;
  IF p_lease > 0 THEN
    -- The head of each subject only, so one subject's messages leave in
    -- order; SKIP LOCKED lets other senders take other subjects.
    SELECT o.id INTO v_id FROM outbox o
     WHERE o.topic = p_topic AND o.state = 'pending' AND o.next_at <= UTC_TIMESTAMP(3)
       AND o.id = (SELECT p.id FROM outbox p WHERE p.topic = o.topic
                   AND p.subject = o.subject AND p.state = 'pending'
                   ORDER BY p.id LIMIT 1)
     ORDER BY o.next_at, o.id LIMIT 1 FOR UPDATE SKIP LOCKED;
    -- The lease: nobody claims the row again before it ends, and a
    -- sender killed mid-delivery has spent one attempt, so a message that
    -- kills its sender backs off like one that fails.
    IF v_id IS NOT NULL THEN
      UPDATE outbox SET attempts = attempts + 1,
                        next_at = UTC_TIMESTAMP(3) + INTERVAL p_lease SECOND
       WHERE id = v_id;
    END IF;
  END IF;
  COMMIT;
  -- after the commit: the claimed row as leased (none when v_id is NULL)
  SELECT id, subject, url, payload, attempts - 1 FROM outbox WHERE id = v_id;
END//
DELIMITER ;
