-- 005: the payment area: obligations, attempts at a bank, raw callbacks,
-- receipts with gapless numbers, agency settings, API keys, idempotency,
-- webhook deliveries and the per-day counters.
--
-- Money is BIGINT whole đồng (1..10^15).  Times are UTC, DATETIME(3).
-- Who may write what is in sql/grants.sql: receipts and raw callbacks are
-- only ever INSERTed by the programs (no UPDATE or DELETE grant on receipt),
-- so "never edited" is enforced by the database, not by good intentions.

-- Banks by NAPAS BIN, loaded from ../shared/data/banks/vn_banks_napas_bin.csv
-- by `payment-admin banks-import` (conf/stack.sh import): real data only.
CREATE TABLE pay_bank (
  bin            CHAR(6)      NOT NULL PRIMARY KEY,
  short_name     VARCHAR(100) NOT NULL,
  name           VARCHAR(255) NOT NULL,
  code           VARCHAR(20)  NOT NULL,           -- the CSV's lib_code
  swift          VARCHAR(11)  NULL,
  vietqr_status  TINYINT      NOT NULL,           -- 1 transfer, 0 receive-only, -1 unsupported
  deprecated     TINYINT      NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- The account an agency's obligations are paid into, per group ('' = every
-- group without its own row).  kind bank: a NAPAS BIN and an account;
-- kind treasury: a State Treasury (Kho bạc Nhà nước) account, with the
-- budget classification (chương, tiểu mục) the treasury books it under.
-- Replaced by `payment-admin beneficiary-set`; obligations keep a snapshot.
CREATE TABLE pay_beneficiary (
  agency_code    VARCHAR(20)  NOT NULL,
  grp            VARCHAR(16)  NOT NULL DEFAULT '',
  kind           ENUM('bank','treasury') NOT NULL,
  bank_bin       CHAR(6)      NULL,
  account_no     VARCHAR(30)  NOT NULL,
  account_name   VARCHAR(200) NOT NULL,
  treasury_code  VARCHAR(10)  NULL,               -- mã KBNN, kind treasury
  chuong         CHAR(3)      NULL,               -- chương (budget chapter)
  tieu_muc       CHAR(4)      NULL,               -- tiểu mục (budget sub-item)
  updated_at     DATETIME(3)  NOT NULL,
  PRIMARY KEY (agency_code, grp),
  CONSTRAINT fk_bene_bank FOREIGN KEY (bank_bin) REFERENCES pay_bank(bin)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- The collecting unit on an agency's receipts and the symbols it registered
-- with the tax authority (TT 78/2021/TT-BTC: mẫu số / ký hiệu).
CREATE TABLE pay_receipt_setting (
  agency_code     VARCHAR(20)  NOT NULL PRIMARY KEY,
  unit_name       VARCHAR(255) NOT NULL,
  tax_code        VARCHAR(14)  NOT NULL,          -- 10 digits, or 10-3 for a branch
  template_symbol VARCHAR(20)  NOT NULL,
  series_symbol   VARCHAR(20)  NOT NULL,
  updated_at      DATETIME(3)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE obligation (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  payment_code    CHAR(12)     NOT NULL,          -- 11 random digits + Damm check digit
  grp             ENUM('phi_le_phi','thue','bhxh_bhyt','phat_vphc','tien_dien',
                       'an_phi','vien_phi','hoc_phi') NOT NULL,
  agency_code     VARCHAR(20)  NOT NULL,
  -- beneficiary snapshot, as configured when the obligation was created
  bene_kind       ENUM('bank','treasury') NOT NULL,
  bene_bin        CHAR(6)      NULL,
  bene_account    VARCHAR(30)  NOT NULL,
  bene_name       VARCHAR(200) NOT NULL,
  treasury_code   VARCHAR(10)  NULL,
  chuong          CHAR(3)      NULL,
  tieu_muc        CHAR(4)      NULL,
  payer_name      VARCHAR(200) NOT NULL,
  payer_id        VARCHAR(20)  NULL,              -- CCCD, tax code ...
  total           BIGINT       NOT NULL,
  due_date        DATE         NOT NULL,
  reference       VARCHAR(100) NOT NULL,          -- dossier code, decision number, customer code ...
  dossier_code    VARCHAR(40)  NULL,
  source          ENUM('dossier','staff','api') NOT NULL,
  api_key_id      VARCHAR(24)  NULL,
  status          ENUM('unpaid','being_paid','paid','expired','cancelled','refunded')
                               NOT NULL DEFAULT 'unpaid',
  paid_attempt_id BIGINT UNSIGNED NULL,
  created_at      DATETIME(3)  NOT NULL,
  paid_at         DATETIME(3)  NULL,
  cancelled_at    DATETIME(3)  NULL,
  UNIQUE KEY (payment_code),
  KEY (reference, payer_id),
  KEY (dossier_code),
  KEY (agency_code, status, created_at),
  CONSTRAINT chk_obligation_total CHECK (total BETWEEN 1 AND 1000000000000000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE obligation_line (
  obligation_id   BIGINT UNSIGNED NOT NULL,
  line_no         SMALLINT     NOT NULL,
  name            VARCHAR(255) NOT NULL,
  amount          BIGINT       NOT NULL,
  PRIMARY KEY (obligation_id, line_no),
  CONSTRAINT fk_line_obligation FOREIGN KEY (obligation_id) REFERENCES obligation(id),
  CONSTRAINT chk_line_amount CHECK (amount BETWEEN 1 AND 1000000000000000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- One try at paying an obligation through a gateway.  txn_ref is what the
-- bank echoes (vnp_TxnRef).  state: pending until the bank says; paid;
-- failed/cancelled by the bank's answer; expired by the sweeper;
-- duplicate = a second success for an obligation already paid through
-- another attempt: kept, flagged, to be refunded (refund_state).
CREATE TABLE payment_attempt (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  obligation_id   BIGINT UNSIGNED NOT NULL,
  gateway         VARCHAR(16)  NOT NULL,          -- 'vnpay'
  txn_ref         VARCHAR(34)  NOT NULL,
  amount          BIGINT       NOT NULL,
  state           ENUM('pending','paid','failed','cancelled','expired','duplicate')
                               NOT NULL DEFAULT 'pending',
  refund_state    ENUM('none','due','requested','refunded','failed') NOT NULL DEFAULT 'none',
  bank_code       VARCHAR(20)  NULL,              -- the person's choice, or the bank's answer
  create_date     CHAR(14)     NOT NULL,          -- vnp_CreateDate (GMT+7), querydr needs it
  client_ip       VARCHAR(45)  NOT NULL,
  response_code   VARCHAR(4)   NULL,
  transaction_status VARCHAR(4) NULL,
  transaction_no  VARCHAR(20)  NULL,              -- VNPay's
  bank_tran_no    VARCHAR(40)  NULL,
  card_type       VARCHAR(20)  NULL,
  pay_date        CHAR(14)     NULL,
  settled_by      ENUM('ipn','return','querydr','sweeper') NULL,
  created_at      DATETIME(3)  NOT NULL,
  settled_at      DATETIME(3)  NULL,
  next_check_at   DATETIME(3)  NOT NULL,          -- when the sweeper asks the bank next
  checks          INT          NOT NULL DEFAULT 0,
  UNIQUE KEY (txn_ref),
  KEY (obligation_id),
  KEY (state, next_check_at),
  KEY (refund_state),
  CONSTRAINT fk_attempt_obligation FOREIGN KEY (obligation_id) REFERENCES obligation(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- Every callback as it arrived, written before anything else is done with
-- it (autocommit), even with a bad signature.  result is filled in after.
CREATE TABLE callback_raw (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  gateway         VARCHAR(16)  NOT NULL,
  kind            ENUM('ipn','return','querydr','refund') NOT NULL,
  received_at     DATETIME(3)  NOT NULL,
  client_addr     VARCHAR(45)  NOT NULL,
  raw             MEDIUMTEXT   NOT NULL,          -- the query string or body, byte for byte
  txn_ref         VARCHAR(34)  NULL,              -- as claimed, for look-ups
  result          VARCHAR(4)   NULL,              -- the RspCode we answered
  KEY (txn_ref),
  KEY (received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A receipt series: one per agency, year and registered symbols; numbers
-- from 1 with no gaps.  last_no is read FOR UPDATE and bumped in the
-- payment's own transaction, so two payments never share or skip a number.
CREATE TABLE receipt_series (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  agency_code     VARCHAR(20)  NOT NULL,
  year            SMALLINT     NOT NULL,
  template_symbol VARCHAR(20)  NOT NULL,
  series_symbol   VARCHAR(20)  NOT NULL,
  last_no         BIGINT       NOT NULL DEFAULT 0,
  UNIQUE KEY (agency_code, year, template_symbol, series_symbol)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- Biên lai điện tử.  Never updated or deleted (no grant allows it): a
-- cancellation or adjustment is a new row of its kind referring to the one
-- it cancels or adjusts.  Everything printed is snapshotted here.
CREATE TABLE receipt (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  series_id       BIGINT UNSIGNED NOT NULL,
  number          BIGINT       NOT NULL,
  kind            ENUM('receipt','cancellation','adjustment') NOT NULL DEFAULT 'receipt',
  refers_to       BIGINT UNSIGNED NULL,
  obligation_id   BIGINT UNSIGNED NOT NULL,
  attempt_id      BIGINT UNSIGNED NULL,
  agency_code     VARCHAR(20)  NOT NULL,
  unit_name       VARCHAR(255) NOT NULL,
  tax_code        VARCHAR(14)  NOT NULL,
  template_symbol VARCHAR(20)  NOT NULL,
  series_symbol   VARCHAR(20)  NOT NULL,
  payer_name      VARCHAR(200) NOT NULL,
  payer_id        VARCHAR(20)  NULL,
  description     VARCHAR(500) NOT NULL,
  amount          BIGINT       NOT NULL,
  method          VARCHAR(100) NOT NULL,          -- "Thanh toán trực tuyến qua VNPay (NCB)"
  issued_at       DATETIME(3)  NOT NULL,
  verify_token    CHAR(32)     NOT NULL,          -- in the QR's link; unguessable
  UNIQUE KEY (series_id, number),
  UNIQUE KEY (verify_token),
  KEY (obligation_id),
  CONSTRAINT fk_receipt_series FOREIGN KEY (series_id) REFERENCES receipt_series(id),
  CONSTRAINT fk_receipt_obligation FOREIGN KEY (obligation_id) REFERENCES obligation(id),
  CONSTRAINT fk_receipt_refers FOREIGN KEY (refers_to) REFERENCES receipt(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- Agency API keys.  The secret is never stored: it is derived,
-- secret = hex HMAC-SHA256(master, "apikey|" + id + "|" + salt), with the
-- master key in var/secrets (PORTAL_APIKEY_MASTER), outside the database.
-- The portal recomputes it to check a request's HMAC, so a copy of the
-- database alone cannot sign requests; revoking is revoked_at.
CREATE TABLE api_key (
  id              VARCHAR(24)  NOT NULL PRIMARY KEY,   -- "pk_" + 16 hex
  agency_code     VARCHAR(20)  NOT NULL,
  salt            CHAR(32)     NOT NULL,
  created_at      DATETIME(3)  NOT NULL,
  revoked_at      DATETIME(3)  NULL,
  KEY (agency_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Agency API requests seen signed, to refuse a replayed signature within
-- its 300 s window.
CREATE TABLE api_nonce (
  api_key_id      VARCHAR(24)  NOT NULL,
  signature       CHAR(64)     NOT NULL,
  seen_at         DATETIME(3)  NOT NULL,
  PRIMARY KEY (api_key_id, signature),
  KEY (seen_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Idempotency-Key on create: the first answer, replayed for the same body;
-- another body under the same key is a 409.
CREATE TABLE pay_idempotency (
  api_key_id      VARCHAR(24)  NOT NULL,
  idem_key        VARCHAR(255) NOT NULL,
  request_sha256  CHAR(64)     NOT NULL,
  status          SMALLINT     NOT NULL,
  response        MEDIUMTEXT   NOT NULL,
  created_at      DATETIME(3)  NOT NULL,
  PRIMARY KEY (api_key_id, idem_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Where an agency wants its webhooks, and the salt its signing secret is
-- derived from (as api_key).
CREATE TABLE pay_webhook_endpoint (
  agency_code     VARCHAR(20)  NOT NULL PRIMARY KEY,
  url             VARCHAR(500) NOT NULL,
  salt            CHAR(32)     NOT NULL,
  updated_at      DATETIME(3)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Each try at delivering a webhook (the message itself is in the outbox).
CREATE TABLE pay_webhook_delivery (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  outbox_id       BIGINT UNSIGNED NOT NULL,
  agency_code     VARCHAR(20)  NOT NULL,
  event           VARCHAR(30)  NOT NULL,          -- obligation.paid, .refunded, .cancelled
  payment_code    CHAR(12)     NOT NULL,
  url             VARCHAR(500) NOT NULL,
  attempted_at    DATETIME(3)  NOT NULL,
  http_status     INT          NULL,
  error           VARCHAR(255) NULL,
  KEY (agency_code, attempted_at),
  KEY (outbox_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- Per-day counters for the statistics area, upserted in the payment's own
-- transaction (day in Asia/Ho_Chi_Minh).
CREATE TABLE pay_daily (
  day             DATE         NOT NULL,
  agency_code     VARCHAR(20)  NOT NULL,
  grp             VARCHAR(16)  NOT NULL,
  paid_count      BIGINT       NOT NULL DEFAULT 0,
  paid_amount     BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (day, agency_code, grp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;
