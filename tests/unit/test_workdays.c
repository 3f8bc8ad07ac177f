/*
 * test_workdays.c - unit tests for lib/workdays.c: civil dates, the
 * Vietnamese day of a time, and deadlines over the real 2025–2027
 * calendar of sql/004_submission.sql as sql/025 corrected it (swaps,
 * make-up Saturdays, nghỉ bù; 2027's Tết as expected ahead of its notice).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "workdays.h"

static long D(const char *s)
{
	long d = wd_parse(s, strlen(s));
	assert_true(d != WD_NONE);
	return d;
}

static void assert_day(long day, const char *want)
{
	char got[11];
	assert_true(day != WD_NONE);
	wd_format(day, got);
	assert_string_equal(got, want);
}

/* The off days and make-up days of 2025-2027 as in sql/004 and sql/025. */
static long off[48], work[8];
static wd_calendar cal;

static int setup(void **state)
{
	static const char *const offs[] = {
		"2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30",
		"2025-01-31", "2025-04-07", "2025-04-30", "2025-05-01", "2025-05-02",
		"2025-09-01", "2025-09-02", "2026-01-01", "2026-01-02", "2026-02-16",
		"2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-04-27",
		"2026-04-30", "2026-05-01", "2026-08-31", "2026-09-01", "2026-09-02",
		"2027-01-01", "2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09",
		"2027-02-10", "2027-04-16", "2027-04-30", "2027-05-03", "2027-09-02",
		"2027-09-03",
	};
	/* no make-up day for Tết 2025: 8726/VPCP-KGVX gave five days of Tết
	 * and four weekend days (08/02/2025 was China's make-up day) */
	static const char *const works[] = {
		"2025-04-26", "2026-01-10", "2026-08-22",
	};
	size_t i;

	for (i = 0; i < sizeof offs / sizeof offs[0]; i++)
		off[i] = D(offs[i]);
	cal.off = off;
	cal.noff = i;
	for (i = 0; i < sizeof works / sizeof works[0]; i++)
		work[i] = D(works[i]);
	cal.work = work;
	cal.nwork = i;
	assert_true(wd_calendar_check(&cal));
	return 0;
}

static void test_civil(void **state)
{
	assert_int_equal(wd_from_ymd(1970, 1, 1), 0);
	assert_int_equal(wd_weekday(0), 3);                      /* Thursday */
	assert_int_equal(wd_weekday(D("2025-01-15")), 2);        /* Wednesday */
	assert_int_equal(wd_weekday(D("2027-02-06")), 5);        /* Saturday */
	assert_int_equal(wd_from_ymd(2000, 3, 1) - wd_from_ymd(2000, 2, 28), 2);
	assert_int_equal(wd_from_ymd(1900, 3, 1) - wd_from_ymd(1900, 2, 28), 1);
	/* every day from 1900 to 2100 round-trips and follows the one before */
	long prev = wd_from_ymd(1900, 1, 1) - 1;
	for (int y = 1900; y <= 2100; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= 31; d++) {
				long k = wd_from_ymd(y, m, d);
				if (k == WD_NONE)
					continue;
				assert_int_equal(k, prev + 1);
				prev = k;
				int yy, mm, dd;
				wd_to_ymd(k, &yy, &mm, &dd);
				assert_int_equal(yy, y);
				assert_int_equal(mm, m);
				assert_int_equal(dd, d);
			}
}

static void test_parse(void **state)
{
	assert_day(D("2024-02-29"), "2024-02-29");
	static const char *const bad[] = {
		"2025-02-29", "2025-13-01", "2025-00-10", "2025-01-00", "2025-1-01",
		"2025/01/01", "20250101", "2025-01-011", "abcd-01-01", "2025-01-0x",
		"+025-01-01", " 2025-01-0", "1899-12-31", "",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_true(wd_parse(bad[i], strlen(bad[i])) == WD_NONE);
	assert_true(wd_parse(NULL, 10) == WD_NONE);
	/* n is the length: the bytes after it do not count */
	assert_int_equal(wd_parse("2025-01-01junk", 10), D("2025-01-01"));
}

static void test_day_of(void **state)
{
	/* 2025-01-14T17:00:00Z is midnight in Hà Nội */
	time_t midnight = 1736874000;
	assert_day(wd_day_of(midnight), "2025-01-15");
	assert_day(wd_day_of(midnight - 1), "2025-01-14");
	assert_int_equal(wd_start_of(D("2025-01-15")), midnight);
	assert_int_equal(wd_day_of(0), 0);
	assert_int_equal(wd_day_of(-WD_UTC_OFFSET - 1), -1);
}

static void test_working(void **state)
{
	assert_true(wd_is_working(&cal, D("2025-01-24")));    /* Friday */
	assert_false(wd_is_working(&cal, D("2025-01-25")));   /* Saturday */
	assert_false(wd_is_working(&cal, D("2025-01-27")));   /* swapped off */
	assert_false(wd_is_working(&cal, D("2025-02-08")));   /* no làm bù */
	assert_true(wd_is_working(&cal, D("2025-04-26")));    /* làm bù */
	assert_false(wd_is_working(&cal, D("2026-04-26")));   /* Giỗ Tổ on Sunday */
	assert_false(wd_is_working(&cal, D("2026-04-27")));   /* its nghỉ bù */
	/* with no calendar, weekends only */
	assert_true(wd_is_working(NULL, D("2025-01-01")));
	assert_false(wd_is_working(NULL, D("2025-04-26")));
}

static void test_add(void **state)
{
	/* received the Friday before Tết Ất Tỵ: nine days off, then the weeks */
	assert_day(wd_add(&cal, D("2025-01-24"), 1), "2025-02-03");
	assert_day(wd_add(&cal, D("2025-01-24"), 5), "2025-02-07");
	assert_day(wd_add(&cal, D("2025-01-24"), 6), "2025-02-10");
	assert_day(wd_add(&cal, D("2025-01-24"), 7), "2025-02-11");
	/* received on a holiday or a Saturday: the count starts after it */
	assert_day(wd_add(&cal, D("2025-01-01"), 1), "2025-01-02");
	assert_day(wd_add(&cal, D("2025-01-04"), 1), "2025-01-06");
	/* 30/4–1/5/2025 with 2/5 swapped and 26/4 worked */
	assert_day(wd_add(&cal, D("2025-04-25"), 1), "2025-04-26");
	assert_day(wd_add(&cal, D("2025-04-29"), 1), "2025-05-05");
	/* Tết Bính Ngọ and Quốc khánh 2026 */
	assert_day(wd_add(&cal, D("2026-02-13"), 1), "2026-02-23");
	assert_day(wd_add(&cal, D("2026-08-21"), 1), "2026-08-22");
	assert_day(wd_add(&cal, D("2026-08-28"), 1), "2026-09-03");
	/* n = 0: the day itself if worked, else the next working day */
	assert_day(wd_add(&cal, D("2025-01-24"), 0), "2025-01-24");
	assert_day(wd_add(&cal, D("2025-01-25"), 0), "2025-02-03");
	/* bounds */
	assert_true(wd_add(&cal, D("2025-01-24"), -1) == WD_NONE);
	assert_true(wd_add(&cal, D("2025-01-24"), WD_MAX_SPAN + 1) == WD_NONE);
	/* a calendar that is all off days ends, with WD_NONE */
	static long all[WD_MAX_SPAN + 10];
	long s = D("2030-01-01");
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		all[i] = s + (long)i;
	wd_calendar none = { all, sizeof all / sizeof all[0], NULL, 0 };
	assert_true(wd_add(&none, s - 1, 1) == WD_NONE);
}

static void test_count_inverse(void **state)
{
	long a0 = D("2024-12-20"), end = D("2027-12-10");
	assert_int_equal(wd_count(&cal, a0, a0), 0);
	assert_int_equal(wd_count(&cal, a0, a0 - 5), 0);
	assert_int_equal(wd_count(&cal, D("2025-01-24"), D("2025-02-08")), 5);
	for (long a = a0; a < end; a += 3)
		for (int n = 0; n <= 40; n += 7) {
			long due = wd_add(&cal, a, n);
			assert_true(due >= a);
			if (n > 0)
				assert_int_equal(wd_count(&cal, a, due), n);
			/* pause on any day before due, resume later: nothing lost */
			long p = a + (due - a) / 2;
			int left = wd_count(&cal, p, due);
			assert_int_equal(wd_add(&cal, p, left), left ? due : wd_add(&cal, p, 0));
		}
}

static void test_due(void **state)
{
	long d = D("2025-03-31");
	assert_day(wd_due(&cal, d, 5, WD_UNIT_WORKING_DAY), "2025-04-08");
	assert_day(wd_due(&cal, d, 30, WD_UNIT_DAY), "2025-05-05");
	assert_day(wd_due(&cal, d, 1, WD_UNIT_MONTH), "2025-05-05");
	assert_day(wd_due(&cal, D("2025-01-31"), 1, WD_UNIT_MONTH), "2025-02-28");
	assert_day(wd_due(&cal, D("2024-01-31"), 1, WD_UNIT_MONTH), "2024-02-29");
	assert_day(wd_due(&cal, D("2025-11-30"), 2, WD_UNIT_MONTH), "2026-01-30");
	assert_day(wd_due(&cal, D("2025-01-24"), 4, WD_UNIT_HOUR), "2025-02-03");
	assert_day(wd_due(&cal, D("2025-01-22"), 16, WD_UNIT_HOUR), "2025-01-24");
	assert_day(wd_due(&cal, D("2025-01-22"), 17, WD_UNIT_HOUR), "2025-02-03");
	assert_true(wd_due(&cal, d, -1, WD_UNIT_DAY) == WD_NONE);
	assert_true(wd_due(&cal, d, 1, 99) == WD_NONE);
	assert_true(wd_due(&cal, d, 1000000, WD_UNIT_MONTH) == WD_NONE);
	assert_true(wd_due(&cal, d, 1000000, WD_UNIT_HOUR) == WD_NONE);
}

/* Every unit of the catalog around Tết Bính Ngọ, Quốc khánh 2026 and Tết
 * Đinh Mùi: working days skip the days off; calendar days and months end
 * on the day they reach, or the next working day when it is off (Bộ luật
 * Dân sự Điều 148); hours go by working days of eight hours. */
static void test_due_around_holidays(void **state)
{
	/* working days: the Friday before Tết Bính Ngọ, then after it */
	assert_day(wd_due(&cal, D("2026-02-12"), 1, WD_UNIT_WORKING_DAY), "2026-02-13");
	assert_day(wd_due(&cal, D("2026-02-13"), 5, WD_UNIT_WORKING_DAY), "2026-02-27");
	/* received on a day of Tết, or on the Saturday worked for 31/8 */
	assert_day(wd_due(&cal, D("2026-02-17"), 1, WD_UNIT_WORKING_DAY), "2026-02-23");
	assert_day(wd_due(&cal, D("2026-08-22"), 1, WD_UNIT_WORKING_DAY), "2026-08-24");
	assert_day(wd_due(&cal, D("2026-08-28"), 2, WD_UNIT_WORKING_DAY), "2026-09-04");
	/* calendar days landing on mùng 1, and on Quốc khánh's adjacent day */
	assert_day(wd_due(&cal, D("2026-02-07"), 10, WD_UNIT_DAY), "2026-02-23");
	assert_day(wd_due(&cal, D("2026-08-02"), 30, WD_UNIT_DAY), "2026-09-03");
	assert_day(wd_due(&cal, D("2026-08-03"), 28, WD_UNIT_DAY), "2026-09-03");
	/* months: 16/1 + 1 is 29 tháng Chạp (16/2); 31/7 + 1 is the swapped 31/8 */
	assert_day(wd_due(&cal, D("2026-01-16"), 1, WD_UNIT_MONTH), "2026-02-23");
	assert_day(wd_due(&cal, D("2026-07-31"), 1, WD_UNIT_MONTH), "2026-09-03");
	/* hours */
	assert_day(wd_due(&cal, D("2026-02-13"), 8, WD_UNIT_HOUR), "2026-02-23");
	assert_day(wd_due(&cal, D("2026-02-13"), 24, WD_UNIT_HOUR), "2026-02-25");
	/* Tết Đinh Mùi: 04-05/02, 08/02 and nghỉ bù 09-10/02/2027 */
	assert_day(wd_due(&cal, D("2027-02-03"), 1, WD_UNIT_WORKING_DAY), "2027-02-11");
	assert_day(wd_due(&cal, D("2026-12-02"), 60, WD_UNIT_WORKING_DAY), "2027-03-04");
	assert_day(wd_due(&cal, D("2027-01-06"), 1, WD_UNIT_MONTH), "2027-02-11");
	/* Giỗ Tổ 16/4/2027, then 30/4 and 1/5 (a Saturday, made good on 3/5) */
	assert_day(wd_due(&cal, D("2027-04-15"), 1, WD_UNIT_WORKING_DAY), "2027-04-19");
	assert_day(wd_due(&cal, D("2027-04-29"), 1, WD_UNIT_WORKING_DAY), "2027-05-04");
}

static void test_calendar_check(void **state)
{
	long bad[] = { 5, 3 };
	wd_calendar c = { bad, 2, NULL, 0 };
	assert_false(wd_calendar_check(&c));
	wd_calendar dup = { (long[]){ 3, 3 }, 2, NULL, 0 };
	assert_false(wd_calendar_check(&dup));
	wd_calendar null_list = { NULL, 1, NULL, 0 };
	assert_false(wd_calendar_check(&null_list));
	wd_calendar empty = { NULL, 0, NULL, 0 };
	assert_true(wd_calendar_check(&empty));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_day_of),
		cmocka_unit_test(test_working),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_count_inverse),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_due_around_holidays),
		cmocka_unit_test(test_calendar_check),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
