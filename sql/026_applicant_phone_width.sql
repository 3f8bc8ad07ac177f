-- 026: an applicant's phone as people write it.
--
-- Why: the filing form says a phone number is 9 to 15 digits with spaces,
-- dots and a leading + allowed, but the field, its maxlength and this
-- column held 15 characters in all, separators included: a Hà Nội landline
-- in international form, "+84 24 3825 1234" (11 digits, 16 characters),
-- was refused as too long.  The digits are still at most 15 (dossier.c's
-- phone_plausible); the column has room for the separators (PHONE_MAX).
ALTER TABLE dossier MODIFY applicant_phone VARCHAR(24) NOT NULL DEFAULT '';
