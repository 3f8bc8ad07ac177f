-- 024: Vietnamese text that migrations wrote as double-encoded UTF-8, put right.
--
-- Why: conf/stack.sh ran the migrations through the mariadb client without
-- naming a character set, so the client took the one of the locale it ran
-- in.  Under a UTF-8 locale that is utf8mb4; under none (a fresh Debian
-- machine's root shell, CI's `env -i`) it is latin1, and every Vietnamese
-- text a migration inserts - the holidays of 004 with their legal sources,
-- the former department names of 023 - was stored as the latin1 reading of
-- its UTF-8 bytes: "Táº¿t DÆ°Æ¡ng lá»‹ch" for "Tết Dương lịch".  The calendar
-- still counted right (it reads the days), but 023's names matched no
-- catalog text, so a department named by its old name was not offered.
-- The client now always speaks utf8mb4 (stack.sh's mysql_root).
--
-- The repair undoes exactly that reading, and only where it happened: a
-- value is touched when it is made only of latin1 characters (so the
-- reading can be undone without loss; correct Vietnamese text has letters
-- such as "ế" that latin1 lacks) and has the marks that UTF-8 read as
-- latin1 leaves ("Ã", "Ä", "Æ", "Å", "á»", "áº").  Run on correct data it
-- changes nothing.

-- Not strict: in strict mode CONVERT(… USING latin1) of a correct value
-- ("ế") is an error, not the '?' that makes the check leave that value
-- alone.  Set before the CREATE: a procedure runs in the sql_mode it was
-- created in.
SET SESSION sql_mode = '';

DELIMITER //
CREATE PROCEDURE fix_double_utf8_024(IN p_table VARCHAR(64), IN p_column VARCHAR(64))
BEGIN
  SET @s = CONCAT('UPDATE `', p_table, '` SET `', p_column, '` = ',
    'CONVERT(CAST(CONVERT(`', p_column, '` USING latin1) AS BINARY) USING utf8mb4) ',
    'WHERE CONVERT(CONVERT(`', p_column, '` USING latin1) USING utf8mb4) COLLATE utf8mb4_bin = `',
    p_column, '` COLLATE utf8mb4_bin AND `', p_column, '` COLLATE utf8mb4_bin REGEXP ',
    QUOTE(CONCAT('Ã|Ä|Æ|Å|', 'á»', '|', 'áº')));
  PREPARE st FROM @s;
  EXECUTE st;
  DEALLOCATE PREPARE st;
END//
DELIMITER ;

START TRANSACTION;
CALL fix_double_utf8_024('holiday', 'name');
CALL fix_double_utf8_024('holiday', 'source');
CALL fix_double_utf8_024('holiday_year', 'note');
CALL fix_double_utf8_024('agency_former_name', 'agency_name');
CALL fix_double_utf8_024('agency_former_name', 'former_name');
CALL fix_double_utf8_024('agency_former_name', 'source');
COMMIT;
DROP PROCEDURE fix_double_utf8_024;
