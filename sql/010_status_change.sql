-- 010: the writes of a dossier's status change in one round trip.
--
-- A change is decided in C (cgi-bin/submission/store.c, move_tx) on the
-- dossier's row locked FOR UPDATE; what follows was five statements, each a
-- round trip: the dossier's UPDATE, its event, the day's counter, the
-- outbox messages (the national portal's sync, the citizen's notice) and
-- the staff member's audit row.  On this project's machines a round trip
-- costs more than the SQL in it: five one-row INSERTs in a transaction ran
-- at 2,500 tx/s from C at 4 connections, the same five in one procedure
-- called once at 3,650 tx/s (tests/bench/README.md).  So the writes are
-- one CALL inside the caller's transaction; the caller still begins,
-- decides and commits, and db_tx still redoes the whole on a deadlock.
--
-- SQL SECURITY INVOKER: a procedure runs with the caller's grants, so it
-- gives no area more than its own user holds (sql/grants.sql).

DELIMITER //

-- The two rows every area writes, once for every procedure: an outbox
-- message (as lib/outbox.c's outbox_put writes it from C) and a staff
-- member's audit row (lib/audit.c calls this one itself).
CREATE PROCEDURE outbox_add(IN p_topic VARCHAR(16) CHARSET utf8mb4,
                            IN p_subject VARCHAR(128) CHARSET utf8mb4,
                            IN p_url VARCHAR(1000) CHARSET utf8mb4,
                            IN p_payload MEDIUMTEXT CHARSET utf8mb4, IN p_at DATETIME(3))
SQL SECURITY INVOKER
  INSERT INTO outbox (topic, subject, url, payload, state, attempts, next_at, created_at)
  VALUES (p_topic, p_subject, p_url, p_payload, 'pending', 0, p_at, p_at)//

CREATE PROCEDURE audit_add(IN p_staff_id BIGINT UNSIGNED, IN p_login VARCHAR(64) CHARSET utf8mb4,
                           IN p_agency VARCHAR(20) CHARSET utf8mb4,
                           IN p_action VARCHAR(64) CHARSET utf8mb4,
                           IN p_subject VARCHAR(128) CHARSET utf8mb4,
                           IN p_detail TEXT CHARSET utf8mb4, IN p_addr VARCHAR(45) CHARSET utf8mb4,
                           IN p_user_agent VARCHAR(300) CHARSET utf8mb4)
SQL SECURITY INVOKER
  INSERT INTO audit_log (at, staff_id, staff_login, agency_code, action, subject, detail,
                         remote_addr, user_agent)
  VALUES (UTC_TIMESTAMP(3), p_staff_id, p_login, p_agency, p_action, p_subject, p_detail,
          p_addr, p_user_agent)//

-- Add p_n to the day's counter p_c1 and, unless NULL, to p_c2, one of its
-- breakdowns (the filing's channel, a finished dossier's timeliness…).
-- sql/004's table, sharded per connection by sql/008.  The names are
-- checked against the table's columns; no SQL is ever built from them.
CREATE PROCEDURE sub_daily_add(IN p_day DATE, IN p_agency VARCHAR(20) CHARSET utf8mb4,
                               IN p_procedure VARCHAR(16) CHARSET utf8mb4,
                               IN p_c1 VARCHAR(32) CHARSET utf8mb4,
                               IN p_c2 VARCHAR(32) CHARSET utf8mb4, IN p_n INT)
SQL SECURITY INVOKER
BEGIN
  IF p_c1 IS NULL OR p_c1 NOT IN ('received', 'received_online', 'received_post', 'accepted',
      'refused', 'supplement_requested', 'obligation_requested', 'withdrawn', 'stopped',
      'finished', 'finished_on_time', 'finished_late', 'returned', 'returned_online',
      'ratings', 'rating_sum', 'rating_satisfied')
     OR (p_c2 IS NOT NULL AND p_c2 NOT IN ('received_online', 'received_post',
      'finished_on_time', 'finished_late', 'returned_online', 'rating_satisfied')) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sub_daily_add: no such counter';
  END IF;
  INSERT INTO sub_daily (day, agency_code, procedure_code, shard,
      received, received_online, received_post, accepted, refused, supplement_requested,
      obligation_requested, withdrawn, stopped, finished, finished_on_time, finished_late,
      returned, returned_online, ratings, rating_sum, rating_satisfied)
    VALUES (p_day, p_agency, p_procedure, CONNECTION_ID() % 8,
      IF(p_c1 = 'received', p_n, 0),
      IF(p_c1 = 'received_online' OR p_c2 = 'received_online', p_n, 0),
      IF(p_c1 = 'received_post' OR p_c2 = 'received_post', p_n, 0),
      IF(p_c1 = 'accepted', p_n, 0),
      IF(p_c1 = 'refused', p_n, 0),
      IF(p_c1 = 'supplement_requested', p_n, 0),
      IF(p_c1 = 'obligation_requested', p_n, 0),
      IF(p_c1 = 'withdrawn', p_n, 0),
      IF(p_c1 = 'stopped', p_n, 0),
      IF(p_c1 = 'finished', p_n, 0),
      IF(p_c1 = 'finished_on_time' OR p_c2 = 'finished_on_time', p_n, 0),
      IF(p_c1 = 'finished_late' OR p_c2 = 'finished_late', p_n, 0),
      IF(p_c1 = 'returned', p_n, 0),
      IF(p_c1 = 'returned_online' OR p_c2 = 'returned_online', p_n, 0),
      IF(p_c1 = 'ratings', p_n, 0),
      IF(p_c1 = 'rating_sum', p_n, 0),
      IF(p_c1 = 'rating_satisfied' OR p_c2 = 'rating_satisfied', p_n, 0))
    ON DUPLICATE KEY UPDATE
      received = received + VALUES(received),
      received_online = received_online + VALUES(received_online),
      received_post = received_post + VALUES(received_post),
      accepted = accepted + VALUES(accepted),
      refused = refused + VALUES(refused),
      supplement_requested = supplement_requested + VALUES(supplement_requested),
      obligation_requested = obligation_requested + VALUES(obligation_requested),
      withdrawn = withdrawn + VALUES(withdrawn),
      stopped = stopped + VALUES(stopped),
      finished = finished + VALUES(finished),
      finished_on_time = finished_on_time + VALUES(finished_on_time),
      finished_late = finished_late + VALUES(finished_late),
      returned = returned + VALUES(returned),
      returned_online = returned_online + VALUES(returned_online),
      ratings = ratings + VALUES(ratings),
      rating_sum = rating_sum + VALUES(rating_sum),
      rating_satisfied = rating_satisfied + VALUES(rating_satisfied);
END//

-- The writes of one status change, in the caller's transaction, after the
-- caller has locked the dossier's row and decided the change is allowed:
--   the dossier's new status (and when it finished or was returned);
--   its event;
--   the day's counters p_c1 and p_c2 (NULL p_c1: none);
--   the sync message, whose payload is p_sync_head, the event's id, then
--     p_sync_tail (its "id" is the event's: what the receiver dedupes on);
--   the citizen's notice when p_notify is not NULL;
--   the audit row when p_staff_id is not NULL (audit_add, as lib/audit.c).
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
END//

DELIMITER ;
