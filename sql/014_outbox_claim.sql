-- 014: a sender's claim in one round trip (lib/outbox.c).
--
-- Why: each message cost its sender five round trips and a commit (START,
-- the previous message's outcome, the claim, the lease, COMMIT), and a
-- status change leaves two messages (the national portal's sync message
-- and the citizen's notice): on the 2-core machine the senders draining
-- them took as much CPU as the status changes that made them.  The same
-- statements, in the same one transaction, now run inside the server:
-- one CALL a message.  Nothing about the guarantees changes (outbox.h):
-- the head of each subject only, SKIP LOCKED so senders on other hosts
-- take other subjects, the lease that counts an attempt, the outcome
-- written only if the lease is still ours.
--
-- p_prev > 0: the outcome of the message this sender delivered last
-- (p_prev_ok 1: delivered; 0: p_prev_err, and next try in p_prev_wait
-- seconds), for the lease it held (p_prev_attempts).
-- p_lease > 0: claim the next due message of p_topic under a lease of that
-- many seconds; answered with its row (id, subject, url, payload, the
-- attempts before this one), or no row when nothing is due.
-- p_lease = 0: write the outcome only.
-- SQL SECURITY INVOKER: the area's own grants on outbox, no more.

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
       AND o.id = (SELECT MIN(p.id) FROM outbox p WHERE p.topic = o.topic
                   AND p.subject = o.subject AND p.state = 'pending')
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
