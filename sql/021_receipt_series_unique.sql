-- 021: one issuer's receipt series is numbered for one agency only.
--
-- Why: a receipt's number is unique per issuer (tax code), template and
-- series (NĐ 123/2020 Điều 32).  Two agencies given the same three would
-- each count from 1 and the issuer would hold two receipts of every
-- number.  payment-admin receipts-set refused that with a look-up before
-- its write, two statements apart: two operators at the same instant both
-- passed the look-up and both wrote.  The unique key below makes the
-- database refuse the second write; payment-admin turns that refusal into
-- the same message naming the agency that holds the series.
--
-- An installation may already hold such duplicates (written by that race,
-- or before the look-up existed).  Adding the key would then fail with
-- "Duplicate entry" and no agency named.  So the duplicates are looked for
-- first and listed (one row each: the tax code, the symbols, the agencies
-- that share them), and the migration stops before changing anything:
-- conf/stack.sh reports "migration 021_… failed" and records nothing, and
-- runs it again on the next start.  Which agency keeps the series is the
-- operator's decision (its receipts carry the numbers already issued):
-- give the others a series of their own with payment-admin receipts-set,
-- then start again.  The key is one ALTER: it is added whole or not at all.

DELIMITER //
BEGIN NOT ATOMIC
  DECLARE n INT;
  DECLARE first_dup VARCHAR(400);
  SELECT COUNT(*), MIN(CONCAT('tax code ', tax_code, ', template ', template_symbol,
                              ', series ', series_symbol, ': agencies ', agencies))
    INTO n, first_dup
    FROM (SELECT tax_code, template_symbol, series_symbol,
                 GROUP_CONCAT(agency_code ORDER BY agency_code SEPARATOR ', ') AS agencies
            FROM pay_receipt_setting
           GROUP BY tax_code, template_symbol, series_symbol HAVING COUNT(*) > 1) d;
  IF n > 0 THEN
    -- every one, for the operator (the client prints the rows)
    SELECT tax_code, template_symbol, series_symbol,
           GROUP_CONCAT(agency_code ORDER BY agency_code SEPARATOR ', ') AS agencies_sharing_it
      FROM pay_receipt_setting
     GROUP BY tax_code, template_symbol, series_symbol HAVING COUNT(*) > 1;
    SET first_dup = LEFT(CONCAT('021: ', n, ' receipt series held by several agencies (',
                                first_dup, IF(n > 1, '; the rest listed above', ''),
                                '): give each its own with payment-admin receipts-set'), 500);
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = first_dup;
  END IF;
END//
DELIMITER ;

ALTER TABLE pay_receipt_setting
  ADD UNIQUE KEY uq_receipt_issuer_series (tax_code, template_symbol, series_symbol);
