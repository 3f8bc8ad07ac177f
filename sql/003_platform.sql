-- 003: what every area shares: accounts, sessions, attempt counters, the
-- audit log of staff actions and the outbox of messages leaving the portal.
-- Times are UTC.

-- A citizen's account.  contact is a phone number (normalised to 0xxxxxxxxx)
-- or an e-mail address (lower-cased): many people have no e-mail.
CREATE TABLE citizen (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  contact       VARCHAR(254) NOT NULL,
  contact_kind  ENUM('phone','email') NOT NULL,
  name          VARCHAR(200) NOT NULL,
  password_hash VARCHAR(200) NOT NULL,          -- pbkdf2-sha256$iter$salt$hash
  verified_at   DATETIME     NULL,              -- NULL until the one-time code
  created_at    DATETIME     NOT NULL,
  UNIQUE KEY (contact)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- A staff member of one agency (intranet only).  roles: bits of ROLE_* in
-- lib/route.h (1 desk, 2 processor, 4 leader, 8 admin).
CREATE TABLE staff (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  login         VARCHAR(64)  NOT NULL,
  name          VARCHAR(200) NOT NULL,
  agency_code   VARCHAR(20)  NOT NULL,
  roles         INT UNSIGNED NOT NULL,
  password_hash VARCHAR(200) NOT NULL,
  active        TINYINT(1)   NOT NULL DEFAULT 1,
  created_at    DATETIME     NOT NULL,
  UNIQUE KEY (login),
  KEY (agency_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- A session: only the SHA-256 of its token.  kind: 2 citizen, 3 staff.
CREATE TABLE session (
  id_hash      CHAR(64)         NOT NULL PRIMARY KEY,
  kind         TINYINT UNSIGNED NOT NULL,
  user_id      BIGINT UNSIGNED  NOT NULL,
  created_at   DATETIME         NOT NULL,
  last_seen    DATETIME         NOT NULL,
  remote_addr  VARCHAR(45)      NULL,
  KEY (kind, user_id),
  KEY (last_seen)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;

-- Attempts to count (failed logins, one-time codes, public lookups).
CREATE TABLE attempt (
  id     BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  scope  VARCHAR(16)  NOT NULL,
  k      VARCHAR(254) NOT NULL,
  at     DATETIME(3)  NOT NULL,
  KEY (scope, k, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every staff action.  Inserted only; no area's user may change a row.
CREATE TABLE audit_log (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at           DATETIME(3)     NOT NULL,
  staff_id     BIGINT UNSIGNED NOT NULL,
  staff_login  VARCHAR(64)     NOT NULL,
  agency_code  VARCHAR(20)     NOT NULL,
  action       VARCHAR(64)     NOT NULL,
  subject      VARCHAR(128)    NULL,
  detail       TEXT            NULL,
  remote_addr  VARCHAR(45)     NULL,
  user_agent   VARCHAR(300)    NULL,
  KEY (agency_code, at),
  KEY (subject)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- Messages that must leave the portal (national sync, agency webhooks,
-- SMS/e-mail), written in the transaction of the change that causes them.
-- topic: sync, notify, webhook; subject orders delivery within a topic.
CREATE TABLE outbox (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  topic         VARCHAR(16)   NOT NULL,
  subject       VARCHAR(128)  NOT NULL,
  url           VARCHAR(1000) NULL,
  payload       MEDIUMTEXT    NOT NULL,
  state         ENUM('pending','done') NOT NULL DEFAULT 'pending',
  attempts      INT UNSIGNED  NOT NULL DEFAULT 0,
  next_at       DATETIME(3)   NOT NULL,
  last_error    VARCHAR(512)  NULL,
  created_at    DATETIME(3)   NOT NULL,
  delivered_at  DATETIME(3)   NULL,
  KEY due (topic, state, next_at),
  KEY head (topic, subject, state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;
