/*
 * test_staff.c - the rules of a new staff account (lib/staff.h), which the
 * intranet's /desk/staff and the shell's staff-add share: a login's
 * characters and length, an initial password counted in characters (a
 * Vietnamese password of 12 letters is longer than 12 bytes, and 12 bytes
 * of it are fewer than 12 letters), and the four roles in route.h's bit
 * order with their Vietnamese names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "route.h"
#include "staff.h"

static int login_ok(const char *s)
{
	return staff_login_valid(s, strlen(s));
}

static void test_logins(void **state)
{
	(void)state;
	assert_true(login_ok("a"));
	assert_true(login_ok("nguyen.van-an_2"));
	char l[STAFF_LOGIN_MAX + 2];
	memset(l, 'x', sizeof l);
	l[STAFF_LOGIN_MAX] = 0;
	assert_true(login_ok(l));
	l[STAFF_LOGIN_MAX] = 'x';
	l[STAFF_LOGIN_MAX + 1] = 0;
	assert_false(login_ok(l));
	assert_false(login_ok(""));
	assert_false(login_ok("."));
	assert_false(login_ok(".."));
	assert_false(login_ok("-a"));
	assert_false(login_ok("_a"));
	assert_true(login_ok("a.."));
	assert_false(login_ok("cán-bộ"));        /* letters with marks */
	assert_false(login_ok("a b"));
	assert_false(login_ok("a/b"));
	assert_false(login_ok("a%2Fb"));
	assert_false(staff_login_valid("ab\0c", 4));  /* a NUL inside */
}

static void test_passwords_count_characters(void **state)
{
	(void)state;
	assert_true(staff_password_ok("123456789012"));
	assert_false(staff_password_ok("12345678901"));
	/* 11 letters, 17 bytes: too short */
	assert_false(staff_password_ok("mậtkhẩungắn"));
	/* 12 letters */
	assert_true(staff_password_ok("mậtkhẩungắnn"));
	assert_false(staff_password_ok("abcdefghijk\xff"));   /* not UTF-8 */
	char p[STAFF_PASSWORD_MAX + 2];
	memset(p, 'x', sizeof p);
	p[STAFF_PASSWORD_MAX] = 0;
	assert_true(staff_password_ok(p));
	p[STAFF_PASSWORD_MAX] = 'x';
	p[STAFF_PASSWORD_MAX + 1] = 0;
	assert_false(staff_password_ok(p));
}

static void test_roles(void **state)
{
	(void)state;
	assert_int_equal(staff_role_bit("desk"), ROLE_DESK);
	assert_int_equal(staff_role_bit("processor"), ROLE_PROCESSOR);
	assert_int_equal(staff_role_bit("leader"), ROLE_LEADER);
	assert_int_equal(staff_role_bit("admin"), ROLE_ADMIN);
	assert_int_equal(staff_role_bit("chief"), 0);
	assert_int_equal(staff_role_bit(""), 0);
	assert_int_equal(staff_role_bit(NULL), 0);
	for (unsigned i = 0; staff_roles[i]; i++)
		assert_int_equal(staff_role_bit(staff_roles[i]), 1u << i);
	char out[120];
	staff_roles_vi(ROLE_LEADER | ROLE_ADMIN, out, sizeof out);
	assert_string_equal(out, "Lãnh đạo, Quản trị");
	staff_roles_vi(ROLE_DESK, out, sizeof out);
	assert_string_equal(out, "Tiếp nhận và trả kết quả");
	staff_roles_vi(0, out, sizeof out);
	assert_string_equal(out, "");
	char tiny[6];
	staff_roles_vi(ROLE_DESK | ROLE_ADMIN, tiny, sizeof tiny);   /* cut, terminated */
	assert_true(strlen(tiny) < sizeof tiny);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logins),
		cmocka_unit_test(test_passwords_count_characters),
		cmocka_unit_test(test_roles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
