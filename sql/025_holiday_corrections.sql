-- 025: the holiday table of 004 put right against the announcements, and
-- Tết Đinh Mùi 2027 added ahead of its notice.
--
-- Why:
-- 1. Tết Ất Tỵ 2025 was written as a swap (Monday 27/01 off, made up on
--    Saturday 08/02/2025).  No such swap was announced: Văn bản
--    8726/VPCP-KGVX of 26/11/2024 gave civil servants nine days, 25/01 to
--    02/02/2025, "gồm 5 ngày nghỉ Tết và 4 ngày nghỉ hằng tuần" - the five
--    days of Tết (Điều 112 khoản 1 điểm b) are 27/01 and 28/01 (28 and 29
--    tháng Chạp Giáp Thìn, a month of 29 days) and mùng 1-3.  The only swap
--    of 2025 is 02/5 for Saturday 26/4.  08/02/2025 is China's make-up day;
--    the desk counted it as a working day.
--    Sources: https://beta-hn.tek4tv.vn/video/Thu-tuong-dong-y-nghi-Tet-Nguyen-dan-9-ngay-283511.htm
--    (5 ngày nghỉ chính thức và 4 ngày nghỉ cuối tuần), the text of
--    8726/VPCP-KGVX as reported at
--    https://pld.net.vn/tag/nghi-tet-nguyen-dan.html and
--    https://thoidai.com.vn/nguoi-lao-dong-se-co-ky-nghi-304-15-dai-5-ngay-209915.html
--    (the 2025 notice: the 30/4 swap and Quốc khánh 30/8-02/9, no Tết swap).
-- 2. 2027 had no Tết.  A dossier filed from November 2026 with a limit that
--    reaches February 2027 was given a due date five working days early:
--    whatever days the Prime Minister's notice picks, Tết is five days off
--    (Điều 112 khoản 1 điểm b), and those that fall on a weekend are made
--    good on the next working days (Điều 111 khoản 3), so five weekdays are
--    off.  Which five is not yet announced (December 2026); the rows follow
--    the year whose calendar 2027 repeats: Tết Canh Tý 2020 also began on a
--    Saturday, and civil servants were off from 29 tháng Chạp to mùng 5
--    (https://socongthuong.daklak.gov.vn/vi/news/tag/thứ-tư/page-2), the
--    two days before mùng 1 and mùng 1-3 as in 2025, the weekend days
--    made good on the Tuesday and Wednesday.  Lunar dates computed for
--    UTC+7 (Hồ Ngọc Đức's algorithm): mùng 1 Đinh Mùi = Saturday
--    06/02/2027, tháng Chạp Bính Ngọ has 29 days (08/01-05/02/2027), 10/3
--    Đinh Mùi = Friday 16/4/2027.  Quốc khánh 2027 (02/9 a Thursday): the
--    day after, as in 2021, the last year 02/9 was a Thursday.  Each such row
--    says "chưa có thông báo"; replace them by a migration when the notice
--    is out, and set holiday_year 2027 complete then.
-- 2026 was checked and is right: Tết Dương lịch 01-04/01 with 02/01 swapped
-- to 10/01 (12729/VPCP-KGVX, 25/12/2025,
-- https://tracuuquyhoach.com/tin-tuc/tin-vui-cho-nguoi-lao-dong-chinh-phu-dong-y-nghi-tet-duong-lich-4-ngay-54100289);
-- Tết 14/02-22/02 and Quốc khánh 29/8-02/9 with 31/8 swapped to 22/8 (the
-- Prime Minister's opinion of 13/10/2025,
-- https://kienthuc.net.vn/chot-phuong-an-nghi-tet-am-lich-binh-ngo-va-quoc-khanh-nam-2026-post1576857.html);
-- Giỗ Tổ on Sunday 26/4, nghỉ bù 27/4
-- (https://thanhnien.vn/gio-to-hung-vuong-304-15-quoc-khanh-29-nam-2026-duoc-nghi-may-ngay-185260223083506397.htm).
-- Ngày Văn hóa Việt Nam (24/11) is still not in Điều 112 as far as these
-- sources go (Nghị quyết 30/NQ-CP asks for the amendment,
-- https://vneconomy.vn/bo-sung-ngay-van-hoa-viet-nam-2411-vao-danh-muc-ngay-nghi-huong-nguyen-luong.htm).

DELETE FROM holiday WHERE day = '2025-02-08' AND kind = 'swap_work';

UPDATE holiday SET kind = 'holiday',
  name = 'Tết Nguyên đán Ất Tỵ (28 tháng Chạp)',
  source = 'BLLĐ 2019 Điều 112 khoản 1 điểm b; Văn bản 8726/VPCP-KGVX ngày 26/11/2024: nghỉ từ 25/01 đến hết 02/02/2025, gồm 5 ngày nghỉ Tết và 4 ngày nghỉ hằng tuần, không hoán đổi'
WHERE day = '2025-01-27';

UPDATE holiday SET
  source = 'BLLĐ 2019 Điều 112 khoản 1 điểm b; Văn bản 8726/VPCP-KGVX ngày 26/11/2024: nghỉ từ 25/01 đến hết 02/02/2025, gồm 5 ngày nghỉ Tết và 4 ngày nghỉ hằng tuần'
WHERE day BETWEEN '2025-01-28' AND '2025-01-31';

INSERT IGNORE INTO holiday (day, kind, name, source) VALUES
('2027-02-04', 'holiday', 'Tết Nguyên đán Đinh Mùi (28 tháng Chạp, dự kiến)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b; chưa có thông báo của Thủ tướng cho năm 2027: dự kiến theo cách nghỉ năm 2020 (mùng 1 cũng là thứ Bảy) và năm 2025 (28, 29 tháng Chạp, mùng 1-3)'),
('2027-02-05', 'holiday', 'Tết Nguyên đán Đinh Mùi (29 tháng Chạp, dự kiến)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b; chưa có thông báo của Thủ tướng cho năm 2027'),
('2027-02-08', 'holiday', 'Tết Nguyên đán Đinh Mùi (mùng 3, dự kiến)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b; chưa có thông báo của Thủ tướng cho năm 2027'),
('2027-02-09', 'compensatory', 'Nghỉ bù mùng 1 Tết Đinh Mùi (thứ Bảy 06/02/2027, dự kiến)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b và Điều 111 khoản 3; chưa có thông báo của Thủ tướng cho năm 2027'),
('2027-02-10', 'compensatory', 'Nghỉ bù mùng 2 Tết Đinh Mùi (Chủ nhật 07/02/2027, dự kiến)', 'BLLĐ 2019 Điều 112 khoản 1 điểm b và Điều 111 khoản 3; chưa có thông báo của Thủ tướng cho năm 2027'),
('2027-09-03', 'holiday', 'Quốc khánh (ngày liền kề, dự kiến)', 'BLLĐ 2019 Điều 112 khoản 1 điểm e; chưa có thông báo của Thủ tướng cho năm 2027: dự kiến ngày liền sau như năm 2021 (02/9 cũng là thứ Năm)');

UPDATE holiday SET
  source = 'BLLĐ 2019 Điều 112 khoản 1 điểm c; 10/3 Đinh Mùi tính theo âm lịch Việt Nam (UTC+7); chưa có thông báo của Thủ tướng cho năm 2027'
WHERE day = '2027-04-16';

UPDATE holiday_year SET
  note = 'Đủ: BLLĐ 2019 Điều 112; Văn bản 8726/VPCP-KGVX ngày 26/11/2024 (Tết 25/01-02/02 không hoán đổi; 30/4-1/5 hoán đổi 02/5 sang thứ Bảy 26/4; Quốc khánh 30/8-02/9).'
WHERE year = 2025;

UPDATE holiday_year SET
  note = 'Chưa đủ: chưa có thông báo của Thủ tướng cho năm 2027. Tết Nguyên đán Đinh Mùi (04-05/02, 08/02 và nghỉ bù 09-10/02/2027) và ngày liền kề Quốc khánh (03/9/2027) là dự kiến theo luật và các năm trước; thay khi có thông báo.'
WHERE year = 2027;
