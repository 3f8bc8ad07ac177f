-- 001: the catalog of administrative procedures and the agencies that run them.
-- Text columns are utf8mb4; people search through the in-memory index of the
-- catalog program (folded in C), the uca1400 collation keeps SQL look-ups by
-- name diacritic-insensitive for staff tools.

CREATE TABLE province (
  code        CHAR(2)      NOT NULL PRIMARY KEY,          -- GSO code, e.g. '01'
  name        VARCHAR(100) NOT NULL,
  short_name  VARCHAR(100) NOT NULL,
  unit_type   VARCHAR(60)  NOT NULL,
  name_en     VARCHAR(100) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE commune (
  code          CHAR(5)      NOT NULL PRIMARY KEY,        -- GSO code, e.g. '00004'
  province_code CHAR(2)      NOT NULL,
  name          VARCHAR(100) NOT NULL,
  short_name    VARCHAR(100) NOT NULL,
  unit_type     VARCHAR(20)  NOT NULL,                    -- Xã, Phường, Đặc khu
  name_en       VARCHAR(100) NOT NULL,
  KEY (province_code),
  CONSTRAINT fk_commune_province FOREIGN KEY (province_code) REFERENCES province(code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- An agency (cơ quan, đơn vị) with its code in the QCVN 102:2016 format.
-- kind: province = UBND tỉnh; office = Văn phòng UBND tỉnh; department = Sở
-- or an agency of provincial rank; commune = UBND xã/phường/đặc khu.
CREATE TABLE agency (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code          VARCHAR(20)  NOT NULL,                    -- e.g. 000.00.12.H26
  short_code    VARCHAR(20)  NOT NULL,                    -- QĐ 20/2020 form, e.g. H26.12
  name          VARCHAR(200) NOT NULL,
  kind          ENUM('province','office','department','commune') NOT NULL,
  parent_id     INT UNSIGNED NULL,
  province_code CHAR(2)      NOT NULL,
  commune_code  CHAR(5)      NULL,
  ministry      VARCHAR(100) NULL,   -- the ministry whose provincial procedures it runs
  -- where the code comes from: a published source, the pattern of the
  -- published codes, or assigned here until the province publishes its own
  code_status   ENUM('sourced','inferred','assigned') NOT NULL,
  code_source   VARCHAR(500) NOT NULL DEFAULT '',
  sort_order    INT          NOT NULL DEFAULT 0,
  UNIQUE KEY (code),
  KEY (province_code, kind),
  CONSTRAINT fk_agency_parent FOREIGN KEY (parent_id) REFERENCES agency(id),
  CONSTRAINT fk_agency_province FOREIGN KEY (province_code) REFERENCES province(code),
  CONSTRAINT fk_agency_commune FOREIGN KEY (commune_code) REFERENCES commune(code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE procedure_field (
  id    SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name  VARCHAR(200) NOT NULL,
  UNIQUE KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One administrative procedure of the national catalog.
-- Money is whole đồng; a fee we could not read for sure is NULL and the
-- original text is kept to be shown instead (never a wrong number).
CREATE TABLE `procedure` (
  id                  INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code                VARCHAR(16)  NOT NULL,              -- e.g. 1.001193
  name                TEXT         NOT NULL,
  field_id            SMALLINT UNSIGNED NULL,
  publishing_ministry VARCHAR(200) NOT NULL DEFAULT '',
  level_ministry      TINYINT(1)   NOT NULL DEFAULT 0,    -- Cấp bộ
  level_province      TINYINT(1)   NOT NULL DEFAULT 0,    -- Cấp tỉnh
  level_commune       TINYINT(1)   NOT NULL DEFAULT 0,    -- Cấp xã
  level_other         TINYINT(1)   NOT NULL DEFAULT 0,    -- Cơ quan khác
  procedure_type      VARCHAR(200) NOT NULL DEFAULT '',
  decision_no         VARCHAR(300) NOT NULL DEFAULT '',
  implementing_agency TEXT         NOT NULL,
  competent_authority TEXT         NOT NULL,
  target_subjects     TEXT         NOT NULL,
  receiving_address   TEXT         NOT NULL,
  conditions          MEDIUMTEXT   NOT NULL,
  steps_text          MEDIUMTEXT   NOT NULL,
  online_level        ENUM('full','partial','none') NOT NULL,
  online_derived      TINYINT(1)   NOT NULL,              -- 1: derived from the channels
  fee_state           ENUM('free','fee','unknown') NOT NULL,
  fee_min             BIGINT       NULL,
  fee_max             BIGINT       NULL,
  fee_text            TEXT         NOT NULL,              -- the catalog's own summary
  time_value          INT          NULL,
  time_unit           ENUM('working_day','day','hour','month') NULL,
  time_text           VARCHAR(500) NOT NULL DEFAULT '',
  source_url          VARCHAR(500) NOT NULL DEFAULT '',
  has_detail          TINYINT(1)   NOT NULL DEFAULT 0,
  content_hash        CHAR(64)     NOT NULL,
  updated_at          DATETIME     NOT NULL,
  UNIQUE KEY (code),
  KEY (field_id),
  CONSTRAINT fk_procedure_field FOREIGN KEY (field_id) REFERENCES procedure_field(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- Submission channels with their own time and fee (channel: 1 trực tiếp,
-- 2 trực tuyến, 3 bưu chính công ích, as the national portal numbers them).
CREATE TABLE procedure_channel (
  procedure_id  INT UNSIGNED NOT NULL,
  seq           SMALLINT UNSIGNED NOT NULL,
  channel       TINYINT UNSIGNED NOT NULL,
  time_value    INT          NULL,
  time_unit     ENUM('working_day','day','hour','month') NULL,
  fee_amount    BIGINT       NULL,
  fee_text      TEXT         NOT NULL,
  PRIMARY KEY (procedure_id, seq),
  CONSTRAINT fk_channel_proc FOREIGN KEY (procedure_id) REFERENCES `procedure`(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE procedure_document (
  procedure_id  INT UNSIGNED NOT NULL,
  seq           SMALLINT UNSIGNED NOT NULL,
  group_name    TEXT         NOT NULL,
  name          TEXT         NOT NULL,
  templates     TEXT         NOT NULL,                    -- form file names as listed
  quantity      TEXT         NOT NULL,
  PRIMARY KEY (procedure_id, seq),
  CONSTRAINT fk_document_proc FOREIGN KEY (procedure_id) REFERENCES `procedure`(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE procedure_result (
  procedure_id  INT UNSIGNED NOT NULL,
  seq           SMALLINT UNSIGNED NOT NULL,
  name          TEXT         NOT NULL,
  code          VARCHAR(300) NOT NULL DEFAULT '',
  PRIMARY KEY (procedure_id, seq),
  CONSTRAINT fk_result_proc FOREIGN KEY (procedure_id) REFERENCES `procedure`(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

CREATE TABLE procedure_legal (
  procedure_id  INT UNSIGNED NOT NULL,
  seq           SMALLINT UNSIGNED NOT NULL,
  code          VARCHAR(300) NOT NULL DEFAULT '',         -- e.g. 123/2015/NĐ-CP
  title         TEXT         NOT NULL,
  PRIMARY KEY (procedure_id, seq),
  CONSTRAINT fk_legal_proc FOREIGN KEY (procedure_id) REFERENCES `procedure`(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- Bumped by every import that changes anything, so the catalog processes
-- know to reload their in-memory copy.
CREATE TABLE catalog_meta (
  k  VARCHAR(40)  NOT NULL PRIMARY KEY,
  v  VARCHAR(200) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO catalog_meta (k, v) VALUES ('version', '0');
