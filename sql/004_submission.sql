-- 004: the submission area: dossiers (hồ sơ), their documents, events,
-- ratings, the working-day calendar and the per-day counters.
--
-- Times are UTC (DATETIME, the programs set time_zone '+00:00'); a "day"
-- (DATE) is a calendar day in Asia/Ho_Chi_Minh (UTC+7, no daylight saving),
-- because codes, due dates and statistics are per Vietnamese day.
-- Accounts, sessions, the audit log and the outbox are in 003 (platform);
-- the obligation table (status 6) belongs to the payment area (005).
-- No foreign keys into the catalog's tables: the importer owns them and a
-- dossier must outlive any re-import; codes are copied as they were.

-- Last number given per agency and day, for codes {agency}-{YYMMDD}-{NNNN}.
-- Taken inside the submitting transaction with
--   INSERT … ON DUPLICATE KEY UPDATE last = LAST_INSERT_ID(last + 1)
-- so concurrent submissions queue on this one row and a rolled-back
-- submission rolls its number back: no gaps, no repeats.
CREATE TABLE dossier_seq (
  agency_code  VARCHAR(20)  NOT NULL,
  day          DATE         NOT NULL,
  last         INT UNSIGNED NOT NULL,
  PRIMARY KEY (agency_code, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE dossier (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code              VARCHAR(40)  NOT NULL,          -- 000.00.12.H26-240115-0001
  procedure_code    VARCHAR(16)  NOT NULL,          -- 1.001193
  agency_code       VARCHAR(20)  NOT NULL,          -- the receiving agency
  citizen_id        BIGINT UNSIGNED NULL,           -- the account that follows it
  filed_by_staff_id BIGINT UNSIGNED NULL,           -- assisted filing at the desk
  applicant_name    VARCHAR(100) NOT NULL,
  applicant_id      CHAR(12)     NOT NULL,          -- số định danh cá nhân
  applicant_dob     DATE         NULL,
  applicant_address VARCHAR(300) NOT NULL DEFAULT '',
  applicant_phone   VARCHAR(15)  NOT NULL DEFAULT '',
  channel           TINYINT UNSIGNED NOT NULL,      -- 1 trực tiếp, 2 trực tuyến, 3 bưu chính
  result_channel    ENUM('desk','post','online') NOT NULL,
  status            TINYINT UNSIGNED NOT NULL,      -- 1..10, DESIGN.md
  -- SHA-256 hex of the secret printed on the slip; the secret itself is
  -- never stored, so a database dump cannot be used to follow dossiers.
  tracking_secret_hash CHAR(64)  NOT NULL,
  -- The time limit as it was when filed (the catalog may change later).
  limit_value       INT          NULL,
  limit_unit        ENUM('working_day','day','hour','month') NULL,
  received_at       DATETIME(3)  NOT NULL,
  received_day      DATE         NOT NULL,          -- Vietnamese day of received_at
  due_day           DATE         NULL,              -- last Vietnamese day to finish it
  due_at            DATETIME     NULL,              -- end of due_day, UTC (for the sync)
  -- The clock stops while status 5 (bổ sung): when it stops we keep how
  -- many working days were left; when the supplement comes back the due
  -- day is counted again from that day with what was left.
  paused_at         DATETIME(3)  NULL,
  paused_days_left  INT          NULL,
  finished_at       DATETIME(3)  NULL,              -- status 9
  returned_at       DATETIME(3)  NULL,              -- status 10
  updated_at        DATETIME(3)  NOT NULL,
  UNIQUE KEY (code),
  KEY by_agency_status (agency_code, status, due_day),
  KEY by_citizen (citizen_id, received_at),
  KEY by_procedure (procedure_code),
  CONSTRAINT dossier_status CHECK (status BETWEEN 1 AND 10),
  CONSTRAINT dossier_channel CHECK (channel BETWEEN 1 AND 3),
  CONSTRAINT dossier_applicant_id CHECK (applicant_id REGEXP '^[0-9]{12}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- The bytes of an upload, apart from its description, so that listing a
-- dossier's documents or the wallet never reads them.  One blob may back
-- several dossier_document rows (a wallet document attached again).
CREATE TABLE document_blob (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  size        INT UNSIGNED NOT NULL,
  sha256      CHAR(64)     NOT NULL,
  content     LONGBLOB     NOT NULL,
  created_at  DATETIME(3)  NOT NULL,
  KEY (sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE dossier_document (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  dossier_id       BIGINT UNSIGNED NOT NULL,
  blob_id          BIGINT UNSIGNED NOT NULL,
  -- input: filed with the dossier; supplement: sent at status 5;
  -- result: the result returned online at status 10.
  role             ENUM('input','supplement','result') NOT NULL,
  doc_seq          SMALLINT UNSIGNED NULL,          -- procedure_document.seq it answers
  doc_name         VARCHAR(500) NOT NULL DEFAULT '', -- its name in the catalog, as filed
  kind             ENUM('pdf','jpeg','png') NOT NULL, -- detected from the content
  original_name    VARCHAR(255) NOT NULL DEFAULT '',  -- as the browser sent it, shown only
  size             INT UNSIGNED NOT NULL,
  sha256           CHAR(64)     NOT NULL,
  -- The citizen whose wallet shows it (NULL for walk-ins and results).
  owner_citizen_id BIGINT UNSIGNED NULL,
  reused_from      BIGINT UNSIGNED NULL,            -- dossier_document it was taken from
  created_at       DATETIME(3)  NOT NULL,
  KEY (dossier_id, role, doc_seq),
  KEY wallet (owner_citizen_id, created_at),
  CONSTRAINT fk_doc_dossier FOREIGN KEY (dossier_id) REFERENCES dossier(id),
  CONSTRAINT fk_doc_blob FOREIGN KEY (blob_id) REFERENCES document_blob(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- Every change of status, in the same transaction as the change.
CREATE TABLE dossier_event (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  dossier_id   BIGINT UNSIGNED NOT NULL,
  at           DATETIME(3)  NOT NULL,
  actor_kind   ENUM('citizen','staff','system','anonymous') NOT NULL,
  actor_id     BIGINT UNSIGNED NULL,
  actor_name   VARCHAR(100) NOT NULL DEFAULT '',
  from_status  TINYINT UNSIGNED NULL,               -- NULL for the filing itself
  to_status    TINYINT UNSIGNED NOT NULL,
  reason       TEXT         NOT NULL,
  client_addr  VARCHAR(45)  NOT NULL DEFAULT '',
  KEY (dossier_id, id),
  CONSTRAINT fk_event_dossier FOREIGN KEY (dossier_id) REFERENCES dossier(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- One rating per dossier, after status 10 (the primary key enforces once).
CREATE TABLE rating (
  dossier_id  BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  score       TINYINT UNSIGNED NOT NULL,
  comment     VARCHAR(1000) NOT NULL DEFAULT '',
  created_at  DATETIME(3)  NOT NULL,
  CONSTRAINT rating_score CHECK (score BETWEEN 1 AND 5),
  CONSTRAINT fk_rating_dossier FOREIGN KEY (dossier_id) REFERENCES dossier(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- One-time codes for registration and password reset: 6 digits, 5 minutes,
-- 5 tries; only an HMAC of the code is kept.
CREATE TABLE otp_code (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  contact     VARCHAR(254) NOT NULL,               -- normalised phone or e-mail
  purpose     ENUM('register','reset') NOT NULL,
  code_hash   CHAR(64)     NOT NULL,
  tries       TINYINT UNSIGNED NOT NULL DEFAULT 0,
  expires_at  DATETIME(3)  NOT NULL,
  used_at     DATETIME(3)  NULL,
  created_at  DATETIME(3)  NOT NULL,
  KEY (contact, purpose, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Counters for the statistics area, per Vietnamese day × agency × procedure,
-- upserted in the transaction of the event that changes them
-- (INSERT … ON DUPLICATE KEY UPDATE n = n + 1).  A check recounts them
-- from dossier and dossier_event.
CREATE TABLE sub_daily (
  day                   DATE         NOT NULL,
  agency_code           VARCHAR(20)  NOT NULL,
  procedure_code        VARCHAR(16)  NOT NULL,
  received              INT UNSIGNED NOT NULL DEFAULT 0,  -- filed (status 1)
  received_online       INT UNSIGNED NOT NULL DEFAULT 0,  -- of which channel 2
  received_post         INT UNSIGNED NOT NULL DEFAULT 0,  -- of which channel 3
  accepted              INT UNSIGNED NOT NULL DEFAULT 0,  -- → 2
  refused               INT UNSIGNED NOT NULL DEFAULT 0,  -- → 3
  supplement_requested  INT UNSIGNED NOT NULL DEFAULT 0,  -- → 5
  obligation_requested  INT UNSIGNED NOT NULL DEFAULT 0,  -- → 6
  withdrawn             INT UNSIGNED NOT NULL DEFAULT 0,  -- → 7
  stopped               INT UNSIGNED NOT NULL DEFAULT 0,  -- → 8
  finished              INT UNSIGNED NOT NULL DEFAULT 0,  -- → 9
  finished_on_time      INT UNSIGNED NOT NULL DEFAULT 0,  -- → 9 on or before due_day
  finished_late         INT UNSIGNED NOT NULL DEFAULT 0,
  returned              INT UNSIGNED NOT NULL DEFAULT 0,  -- → 10
  returned_online       INT UNSIGNED NOT NULL DEFAULT 0,  -- → 10 with result_channel online
  ratings               INT UNSIGNED NOT NULL DEFAULT 0,
  rating_sum            INT UNSIGNED NOT NULL DEFAULT 0,  -- average = rating_sum / ratings
  rating_satisfied      INT UNSIGNED NOT NULL DEFAULT 0,  -- score 4 or 5
  PRIMARY KEY (day, agency_code, procedure_code),
  KEY (agency_code, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The working-day calendar of public agencies.  A weekday is a working day
-- unless it is here as off; a Saturday or Sunday is not, unless it is here
-- as a make-up working day (làm bù) of a swap.
--   holiday:      a public holiday of Bộ luật Lao động 2019, Điều 112 khoản 1
--   compensatory: nghỉ bù, a holiday fell on a weekly rest day (Điều 111 khoản 3)
--   swap_off:     a working day moved off by the year's notice (hoán đổi)
--   swap_work:    the weekly rest day worked instead (làm bù)
CREATE TABLE holiday (
  day        DATE         NOT NULL PRIMARY KEY,
  kind       ENUM('holiday','compensatory','swap_off','swap_work') NOT NULL,
  name       VARCHAR(200) NOT NULL,
  source     VARCHAR(500) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- Whether the calendar of a year is complete.  Điều 112 khoản 3 leaves the
-- five days of Tết Âm lịch and the second day of Quốc khánh to the Prime
-- Minister each year; until the notice is out, those rows are missing and
-- the year is marked incomplete, so a due date counted across it can be
-- shown as provisional.
CREATE TABLE holiday_year (
  year       SMALLINT UNSIGNED NOT NULL PRIMARY KEY,
  complete   TINYINT(1)   NOT NULL,
  note       VARCHAR(1000) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- Sources.  Bộ luật Lao động số 45/2019/QH14, Điều 112 khoản 1: Tết Dương
-- lịch 1 ngày (1/1), Tết Âm lịch 5 ngày, Chiến thắng 1 ngày (30/4), Quốc tế
-- lao động 1 ngày (1/5), Quốc khánh 2 ngày (2/9 và 1 ngày liền kề trước
-- hoặc sau), Giỗ Tổ Hùng Vương 1 ngày (10/3 âm lịch); Điều 111 khoản 3:
-- nghỉ bù on the next working day when a holiday falls on a weekly rest day.
-- Lunar dates (Tết, 10/3 âm lịch) computed for UTC+7 and checked against
-- the notices below where one exists.
-- Not included: Ngày Văn hóa Việt Nam (24/11), chosen by Nghị quyết
-- 80-NQ/TW (7/1/2026) as a paid day off, is not yet in Điều 112 (Nghị quyết
-- 30/NQ-CP of 2026 asks for the amendment); add it when the law is in force.
INSERT INTO holiday (day, kind, name, source) VALUES
-- 2025
('2025-01-01', 'holiday',  'Tết Dương lịch', 'BLLĐ 2019 Điều 112 khoản 1 điểm a'),
('2025-01-27', 'swap_off', 'Tết Nguyên đán Ất Tỵ (hoán đổi, làm bù thứ Bảy 08/02/2025)', 'Văn bản 8726/VPCP-KGVX ngày 26/11/2024 (ý kiến Thủ tướng) và thông báo của Bộ LĐTBXH: nghỉ từ 25/01 đến hết 02/02/2025'),
('2025-01-28', 'holiday',  'Tết Nguyên đán Ất Tỵ (29 tháng Chạp)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b; Văn bản 8726/VPCP-KGVX ngày 26/11/2024'),
('2025-01-29', 'holiday',  'Tết Nguyên đán Ất Tỵ (mùng 1)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b; Văn bản 8726/VPCP-KGVX ngày 26/11/2024'),
('2025-01-30', 'holiday',  'Tết Nguyên đán Ất Tỵ (mùng 2)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b; Văn bản 8726/VPCP-KGVX ngày 26/11/2024'),
('2025-01-31', 'holiday',  'Tết Nguyên đán Ất Tỵ (mùng 3)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b; Văn bản 8726/VPCP-KGVX ngày 26/11/2024'),
('2025-02-08', 'swap_work','Làm bù cho thứ Hai 27/01/2025', 'Văn bản 8726/VPCP-KGVX ngày 26/11/2024'),
('2025-04-07', 'holiday',  'Giỗ Tổ Hùng Vương (10/3 Ất Tỵ)', 'BLLĐ 2019 Điều 112 khoản 1 điểm c'),
('2025-04-26', 'swap_work','Làm bù cho thứ Sáu 02/05/2025', 'Ý kiến Thủ tướng về hoán đổi ngày làm việc dịp 30/4–1/5/2025 (nghỉ 30/4 đến hết 04/5/2025, làm bù thứ Bảy 26/4/2025)'),
('2025-04-30', 'holiday',  'Ngày Chiến thắng', 'BLLĐ 2019 Điều 112 khoản 1 điểm d'),
('2025-05-01', 'holiday',  'Ngày Quốc tế lao động', 'BLLĐ 2019 Điều 112 khoản 1 điểm đ'),
('2025-05-02', 'swap_off', 'Hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 26/4/2025)', 'Ý kiến Thủ tướng về hoán đổi ngày làm việc dịp 30/4–1/5/2025'),
('2025-09-01', 'holiday',  'Quốc khánh (ngày liền kề)', 'BLLĐ 2019 Điều 112 khoản 1 điểm e; Văn bản 8726/VPCP-KGVX ngày 26/11/2024: nghỉ từ 30/8 đến hết 02/9/2025'),
('2025-09-02', 'holiday',  'Quốc khánh', 'BLLĐ 2019 Điều 112 khoản 1 điểm e'),
-- 2026
('2026-01-01', 'holiday',  'Tết Dương lịch', 'BLLĐ 2019 Điều 112 khoản 1 điểm a'),
('2026-01-02', 'swap_off', 'Tết Dương lịch (hoán đổi, làm bù thứ Bảy 10/01/2026)', 'Văn bản 12729/VPCP-KGVX ngày 25/12/2025 (ý kiến Phó Thủ tướng): nghỉ từ 01/01 đến hết 04/01/2026'),
('2026-01-10', 'swap_work','Làm bù cho thứ Sáu 02/01/2026', 'Văn bản 12729/VPCP-KGVX ngày 25/12/2025'),
('2026-02-16', 'holiday',  'Tết Nguyên đán Bính Ngọ (29 tháng Chạp)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b; ý kiến Thủ tướng do Văn phòng Chính phủ truyền đạt tháng 10/2025: nghỉ từ 14/02 đến hết 22/02/2026'),
('2026-02-17', 'holiday',  'Tết Nguyên đán Bính Ngọ (mùng 1)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b; ý kiến Thủ tướng tháng 10/2025'),
('2026-02-18', 'holiday',  'Tết Nguyên đán Bính Ngọ (mùng 2)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b; ý kiến Thủ tướng tháng 10/2025'),
('2026-02-19', 'holiday',  'Tết Nguyên đán Bính Ngọ (mùng 3)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b; ý kiến Thủ tướng tháng 10/2025'),
('2026-02-20', 'holiday',  'Tết Nguyên đán Bính Ngọ (mùng 4)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b; ý kiến Thủ tướng tháng 10/2025'),
('2026-04-27', 'compensatory', 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 Bính Ngọ là Chủ nhật 26/4/2026)', 'BLLĐ 2019 Điều 112 khoản 1 điểm c và Điều 111 khoản 3'),
('2026-04-30', 'holiday',  'Ngày Chiến thắng', 'BLLĐ 2019 Điều 112 khoản 1 điểm d'),
('2026-05-01', 'holiday',  'Ngày Quốc tế lao động', 'BLLĐ 2019 Điều 112 khoản 1 điểm đ'),
('2026-08-22', 'swap_work','Làm bù cho thứ Hai 31/8/2026', 'Ý kiến Thủ tướng tháng 10/2025 về nghỉ lễ Quốc khánh 2026: nghỉ từ 29/8 đến hết 02/9/2026'),
('2026-08-31', 'swap_off', 'Quốc khánh (hoán đổi, làm bù thứ Bảy 22/8/2026)', 'Ý kiến Thủ tướng tháng 10/2025 về nghỉ lễ Quốc khánh 2026'),
('2026-09-01', 'holiday',  'Quốc khánh (ngày liền kề)', 'BLLĐ 2019 Điều 112 khoản 1 điểm e; ý kiến Thủ tướng tháng 10/2025'),
('2026-09-02', 'holiday',  'Quốc khánh', 'BLLĐ 2019 Điều 112 khoản 1 điểm e'),
-- 2027: only what the law fixes; the yearly notice is not out yet.
('2027-01-01', 'holiday',  'Tết Dương lịch', 'BLLĐ 2019 Điều 112 khoản 1 điểm a (thông báo năm 2027 chưa ban hành)'),
('2027-04-16', 'holiday',  'Giỗ Tổ Hùng Vương (10/3 Đinh Mùi)', 'BLLĐ 2019 Điều 112 khoản 1 điểm c (thông báo năm 2027 chưa ban hành)'),
('2027-04-30', 'holiday',  'Ngày Chiến thắng', 'BLLĐ 2019 Điều 112 khoản 1 điểm d (thông báo năm 2027 chưa ban hành)'),
('2027-05-03', 'compensatory', 'Nghỉ bù Ngày Quốc tế lao động (1/5/2027 là thứ Bảy)', 'BLLĐ 2019 Điều 112 khoản 1 điểm đ và Điều 111 khoản 3 (thông báo năm 2027 chưa ban hành)'),
('2027-09-02', 'holiday',  'Quốc khánh', 'BLLĐ 2019 Điều 112 khoản 1 điểm e (ngày liền kề chưa được quyết định)');

INSERT INTO holiday_year (year, complete, note) VALUES
(2025, 1, 'Đủ: BLLĐ 2019 Điều 112; Văn bản 8726/VPCP-KGVX ngày 26/11/2024; hoán đổi dịp 30/4–1/5/2025.'),
(2026, 1, 'Đủ: BLLĐ 2019 Điều 112; Văn bản 12729/VPCP-KGVX ngày 25/12/2025 (Tết Dương lịch); ý kiến Thủ tướng tháng 10/2025 (Tết Nguyên đán, Quốc khánh).'),
(2027, 0, 'Chưa đủ: chưa có thông báo của Thủ tướng cho năm 2027. Thiếu 5 ngày Tết Nguyên đán Đinh Mùi (mùng 1 là thứ Bảy 06/02/2027) và ngày liền kề Quốc khánh (02/9/2027 là thứ Năm); thêm khi có thông báo.');
