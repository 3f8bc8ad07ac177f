/*
 * test_once.c - a request's fingerprint (lib/once.h) names what is asked
 * and nothing else: the same values give the same fingerprint, and values
 * that differ only in where one ends and the next begins, in a missing
 * value against an empty one, or in the kind of request, give another.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "once.h"

static void fp(char out[65], const char *kind, int n, const char *const *v)
{
	once_fp f;
	assert_int_equal(once_begin(&f, kind), 0);
	for (int i = 0; i < n; i++)
		once_adds(&f, v[i]);
	once_end(&f, out);
	assert_int_equal(strlen(out), 64);
}

static void test_same_values_same_fingerprint(void **state)
{
	(void)state;
	char a[65], b[65];
	const char *v[] = {"000.00.101.H26", "-50000", "Sửa tên người nộp", "Ghi sai dấu"};
	fp(a, "receipt-adjust", 4, v);
	fp(b, "receipt-adjust", 4, v);
	assert_string_equal(a, b);
}

static void test_boundaries_absence_and_kind_count(void **state)
{
	(void)state;
	char a[65], b[65];
	const char *x[] = {"ab", "c"}, *y[] = {"a", "bc"};
	fp(a, "k", 2, x);
	fp(b, "k", 2, y);
	assert_string_not_equal(a, b);
	const char *none[] = {NULL}, *empty[] = {""};
	fp(a, "k", 1, none);
	fp(b, "k", 1, empty);
	assert_string_not_equal(a, b);
	fp(a, "filing", 2, x);
	fp(b, "receipt-adjust", 2, x);
	assert_string_not_equal(a, b);
	/* a number is its decimal text */
	once_fp f;
	assert_int_equal(once_begin(&f, "k"), 0);
	once_addi(&f, -50000);
	once_end(&f, a);
	const char *n[] = {"-50000"};
	fp(b, "k", 1, n);
	assert_string_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_values_same_fingerprint),
		cmocka_unit_test(test_boundaries_absence_and_kind_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
