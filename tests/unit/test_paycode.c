/*
 * test_paycode.c - the payment code's check digit catches what people get
 * wrong when they read a code aloud or type it: every single-digit error
 * and every adjacent transposition, checked exhaustively on every position
 * of many generated codes, plus the published Damm example.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "paycode.h"

static void test_damm_published_example(void **state)
{
	(void)state;
	/* Damm's worked example: 572 -> check digit 4 */
	assert_int_equal(damm_digit("572", 3), 4);
	assert_true(damm_valid("5724", 4));
	assert_false(damm_valid("5723", 4));
	assert_int_equal(damm_digit("", 0), 0);
	assert_int_equal(damm_digit("12a", 3), -1);
}

/* Every single-digit substitution at every position of every code is
 * caught, and every swap of two different neighbours. */
static void check_code(const char *code)
{
	char t[PAYCODE_LEN + 1];

	assert_true(damm_valid(code, PAYCODE_LEN));
	for (int i = 0; i < PAYCODE_LEN; i++)
		for (char d = '0'; d <= '9'; d++) {
			if (d == code[i])
				continue;
			memcpy(t, code, sizeof t);
			t[i] = d;
			if (damm_valid(t, PAYCODE_LEN))
				fail_msg("%s: substitution at %d -> %s not caught", code, i, t);
		}
	for (int i = 0; i + 1 < PAYCODE_LEN; i++) {
		if (code[i] == code[i + 1])
			continue;
		memcpy(t, code, sizeof t);
		t[i] = code[i + 1];
		t[i + 1] = code[i];
		if (damm_valid(t, PAYCODE_LEN))
			fail_msg("%s: transposition at %d -> %s not caught", code, i, t);
	}
}

static void test_errors_caught_generated(void **state)
{
	(void)state;
	char code[PAYCODE_LEN + 1];
	for (int n = 0; n < 5000; n++) {
		assert_int_equal(paycode_generate(code), 0);
		assert_int_equal((int)strlen(code), PAYCODE_LEN);
		assert_true(code[0] != '0');
		check_code(code);
	}
}

/* The property holds for the table itself, whatever the other digits: for
 * every interim state and every pair a != b, (a,b) and (b,a) lead to
 * different states, and a and b alone do too. */
static void test_table_properties(void **state)
{
	(void)state;
	for (int s = 0; s < 10; s++) {
		char pre[2] = {0};
		/* find a prefix giving interim s: a single digit d with damm[0][d] == s */
		for (char d = '0'; d <= '9'; d++)
			if (damm_digit(&d, 1) == s)
				pre[0] = d;
		assert_true(pre[0] != 0);
		for (char a = '0'; a <= '9'; a++)
			for (char b = '0'; b <= '9'; b++) {
				if (a == b)
					continue;
				char x[3] = {pre[0], a, b}, y[3] = {pre[0], b, a};
				assert_int_not_equal(damm_digit(x, 3), damm_digit(y, 3));
				assert_int_not_equal(damm_digit(x, 2), damm_digit(y, 2));
			}
	}
}

static void test_normalize_format(void **state)
{
	(void)state;
	char code[PAYCODE_LEN + 1], again[PAYCODE_LEN + 1], shown[PAYCODE_LEN + 3];

	assert_int_equal(paycode_generate(code), 0);
	paycode_format(code, shown);
	assert_int_equal((int)strlen(shown), 14);
	assert_int_equal(shown[4], ' ');
	assert_int_equal(shown[9], ' ');
	assert_int_equal(paycode_normalize(shown, again), 0);
	assert_string_equal(again, code);

	char dashed[32];
	snprintf(dashed, sizeof dashed, "%.4s-%.4s.%.4s", code, code + 4, code + 8);
	assert_int_equal(paycode_normalize(dashed, again), 0);
	assert_string_equal(again, code);

	assert_int_equal(paycode_normalize("", again), -1);
	assert_int_equal(paycode_normalize(NULL, again), -1);
	assert_int_equal(paycode_normalize("12345678901", again), -1);     /* short */
	assert_int_equal(paycode_normalize("1234567890123", again), -1);   /* long */
	assert_int_equal(paycode_normalize("1234x5678901", again), -1);
	/* a wrong check digit */
	char bad[PAYCODE_LEN + 1];
	memcpy(bad, code, sizeof bad);
	bad[PAYCODE_LEN - 1] = bad[PAYCODE_LEN - 1] == '9' ? '0' : bad[PAYCODE_LEN - 1] + 1;
	assert_int_equal(paycode_normalize(bad, again), -1);
	/* a leading zero is never issued */
	char z[PAYCODE_LEN + 1] = "00000000000";
	z[11] = (char)('0' + damm_digit(z, 11));
	z[12] = 0;
	assert_int_equal(paycode_normalize(z, again), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_damm_published_example),
		cmocka_unit_test(test_table_properties),
		cmocka_unit_test(test_errors_caught_generated),
		cmocka_unit_test(test_normalize_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
