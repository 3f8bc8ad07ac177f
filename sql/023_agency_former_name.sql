-- 023: the names a provincial department had before the 2025 mergers.
--
-- Why: a province-level procedure is filed only at the departments its
-- catalog entry names (cgi-bin/submission/dossier.c, AGENCY_WHERE).  The
-- national catalog still names many by their names before the 2025
-- reorganisation of the provinces' departments (Nghị định 45/2025/NĐ-CP,
-- 28/02/2025, on the specialised agencies of provincial people's
-- committees): 1.013239 names "Sở Công thương, Sở Nông nghiệp và Phát
-- triển nông thôn, Sở Xây dựng", and the department that handles the
-- second today, Sở Nông nghiệp và Môi trường, was not offered.  A
-- department is now taken as named when the text names it by its name or
-- by one of the names listed here (the departments merged into it).
CREATE TABLE IF NOT EXISTS agency_former_name (
  agency_name  VARCHAR(255) NOT NULL,   -- agency.name today
  former_name  VARCHAR(255) NOT NULL,   -- a name the catalog may still use
  source       VARCHAR(255) NOT NULL,
  PRIMARY KEY (agency_name, former_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

INSERT IGNORE INTO agency_former_name (agency_name, former_name, source) VALUES
  ('Sở Tài chính', 'Sở Kế hoạch và Đầu tư', 'Nghị định 45/2025/NĐ-CP'),
  ('Sở Xây dựng', 'Sở Giao thông vận tải', 'Nghị định 45/2025/NĐ-CP'),
  ('Sở Nông nghiệp và Môi trường', 'Sở Nông nghiệp và Phát triển nông thôn', 'Nghị định 45/2025/NĐ-CP'),
  ('Sở Nông nghiệp và Môi trường', 'Sở Tài nguyên và Môi trường', 'Nghị định 45/2025/NĐ-CP'),
  ('Sở Khoa học và Công nghệ', 'Sở Thông tin và Truyền thông', 'Nghị định 45/2025/NĐ-CP'),
  ('Sở Nội vụ', 'Sở Lao động - Thương binh và Xã hội', 'Nghị định 45/2025/NĐ-CP'),
  ('Sở Nội vụ', 'Sở Lao động – Thương binh và Xã hội', 'Nghị định 45/2025/NĐ-CP'),
  ('Sở Nội vụ', 'Sở Lao động Thương binh và Xã hội', 'Nghị định 45/2025/NĐ-CP'),
  -- the old labour department's work was split three ways: labour,
  -- wages, people with merit to Nội vụ; social protection and children
  -- to Y tế; vocational education to Giáo dục và Đào tạo.  A procedure
  -- still naming it is offered at all three rather than refused at the
  -- one that handles it now.
  ('Sở Y tế', 'Sở Lao động - Thương binh và Xã hội', 'Nghị định 45/2025/NĐ-CP'),
  ('Sở Y tế', 'Sở Lao động – Thương binh và Xã hội', 'Nghị định 45/2025/NĐ-CP'),
  ('Sở Y tế', 'Sở Lao động Thương binh và Xã hội', 'Nghị định 45/2025/NĐ-CP'),
  ('Sở Giáo dục và Đào tạo', 'Sở Lao động - Thương binh và Xã hội', 'Nghị định 45/2025/NĐ-CP'),
  ('Sở Giáo dục và Đào tạo', 'Sở Lao động – Thương binh và Xã hội', 'Nghị định 45/2025/NĐ-CP'),
  ('Sở Giáo dục và Đào tạo', 'Sở Lao động Thương binh và Xã hội', 'Nghị định 45/2025/NĐ-CP'),
  -- press and publishing went from Thông tin và Truyền thông to Văn hóa
  ('Sở Văn hóa, Thể thao và Du lịch', 'Sở Thông tin và Truyền thông', 'Nghị định 45/2025/NĐ-CP');
