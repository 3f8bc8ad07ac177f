/*
 * test_dossier_code.c - unit tests for lib/dossier_code.c: the example of
 * DESIGN.md, round trips, and what must be refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dossier_code.h"
#include "workdays.h"

static int parse(const char *s, dossier_code *c)
{
	return dossier_code_parse(s, strlen(s), c);
}

static void test_design_example(void **state)
{
	char out[DOSSIER_CODE_MAX];
	long day = wd_from_ymd(2024, 1, 15);
	assert_int_equal(dossier_code_format(out, "000.00.12.H26", day, 1), 0);
	assert_string_equal(out, "000.00.12.H26-240115-0001");

	dossier_code c;
	assert_int_equal(parse("000.00.12.H26-240115-0001", &c), 0);
	assert_string_equal(c.agency, "000.00.12.H26");
	assert_int_equal(c.day, day);
	assert_int_equal(c.seq, 1);
}

static void test_round_trip(void **state)
{
	static const char *const agencies[] = {
		"000.00.12.H26", "000.00.00.H14", "001.02.03.G01", "123.45.67.H99",
	};
	long seqs[] = { 1, 9, 10, 999, 1000, 9999, 10000, 123456, DOSSIER_SEQ_MAX };
	long days[] = { wd_from_ymd(2000, 1, 1), wd_from_ymd(2025, 2, 28),
			wd_from_ymd(2028, 2, 29), wd_from_ymd(2099, 12, 31) };
	for (size_t a = 0; a < 4; a++)
		for (size_t s = 0; s < sizeof seqs / sizeof seqs[0]; s++)
			for (size_t d = 0; d < 4; d++) {
				char out[DOSSIER_CODE_MAX];
				dossier_code c;
				assert_int_equal(dossier_code_format(out, agencies[a], days[d], seqs[s]), 0);
				assert_int_equal(parse(out, &c), 0);
				assert_string_equal(c.agency, agencies[a]);
				assert_int_equal(c.day, days[d]);
				assert_int_equal(c.seq, seqs[s]);
			}
}

static void test_format_refuses(void **state)
{
	char out[DOSSIER_CODE_MAX] = "untouched";
	long day = wd_from_ymd(2025, 6, 1);
	assert_int_equal(dossier_code_format(out, "000.00.12.H26", day, 0), -1);
	assert_int_equal(dossier_code_format(out, "000.00.12.H26", day, DOSSIER_SEQ_MAX + 1), -1);
	assert_int_equal(dossier_code_format(out, "000.00.12.h26", day, 1), -1);
	assert_int_equal(dossier_code_format(out, "000.00.12-H26", day, 1), -1);
	assert_int_equal(dossier_code_format(out, NULL, day, 1), -1);
	assert_int_equal(dossier_code_format(out, "000.00.12.H26", wd_from_ymd(1999, 12, 31), 1), -1);
	assert_int_equal(dossier_code_format(out, "000.00.12.H26", wd_from_ymd(2100, 1, 1), 1), -1);
	assert_int_equal(dossier_code_format(out, "000.00.12.H26", WD_NONE, 1), -1);
	assert_string_equal(out, "untouched");
}

static void test_parse_refuses(void **state)
{
	static const char *const bad[] = {
		"",
		"000.00.12.H26",
		"000.00.12.H26-240115",
		"000.00.12.H26-240115-001",          /* three digits */
		"000.00.12.H26-240115-00001",        /* needless fifth digit */
		"000.00.12.H26-240115-0000",         /* sequence 0 */
		"000.00.12.H26-240230-0001",         /* 30 February */
		"000.00.12.H26-241301-0001",
		"000.00.12.H26-2401150-0001",
		"000.00.12.H26-24011-0001",
		"000.00.12.H26-24o115-0001",
		"000.00.12.H26-240115-000a",
		"000.00.12.H26-240115-0001-",
		"000.00.12.H26--240115-0001",
		"-240115-0001",
		"000..12.H26-240115-0001",
		".000.00.12.H26-240115-0001",
		"000.00.12.H2-240115-0001",
		"000.00.12.26H-240115-0001",
		"000.00.12.H26 -240115-0001",
		"000.00.12.H26-240115-0001 ",
		"000.00.12.H26-240115-1234567",
		"00000000000000000.H26-240115-0001", /* agency over 20 */
		"000.00.12.H26-240115-+001",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (parse(bad[i], NULL) != -1)
			fail_msg("accepted %s", bad[i]);
		assert_false(dossier_code_valid(bad[i], strlen(bad[i])));
	}
	/* n is the length: the bytes after it are not read */
	assert_true(dossier_code_valid("000.00.12.H26-240115-0001xyz", 25));
	assert_int_equal(dossier_code_parse(NULL, 0, NULL), -1);
}

static void test_agency(void **state)
{
	assert_true(agency_code_valid("000.00.12.H26", 13));
	assert_true(agency_code_valid("1.H26", 5));
	assert_false(agency_code_valid(".H26", 4));
	assert_false(agency_code_valid("000.00.12.H26", 12));
	assert_false(agency_code_valid("000.00.12.Đ26", strlen("000.00.12.Đ26")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_design_example),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_format_refuses),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_agency),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
