-- 017: a sign-up's name and password wait with its code until the code is
-- confirmed, bound to the browser that asked for it.
--
-- Why: registering again for a contact not yet confirmed replaced the
-- account's password at once, and the confirmation checked only the newest
-- code.  Someone who knew Lan's phone number could register it with a
-- password of their own while her code was on its way; when she typed the
-- code she received, the account was confirmed with the other person's
-- password in it.  Now each registration's name and password hash are kept
-- on its own code row, with a hash of the visitor cookie (pv) of the
-- browser that registered; a code confirms only a registration made from
-- the same browser, and only then are that registration's name and
-- password written to the account.
ALTER TABLE otp_code
  ADD COLUMN pending_name VARCHAR(200) NULL AFTER code_hash,
  ADD COLUMN pending_hash VARCHAR(200) NULL AFTER pending_name,
  ADD COLUMN visitor_hash CHAR(64) NULL AFTER pending_hash;
