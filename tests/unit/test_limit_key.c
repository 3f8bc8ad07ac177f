/*
 * test_limit_key.c - limit_client_key (lib/limit.c): the key a client
 * address is counted under by the per-address limits (failed logins and
 * codes, registrations, lookups, guessed payment codes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "arena.h"
#include "limit.h"

static void check(const char *addr, const char *want)
{
	arena *a = arena_new(1024);
	assert_string_equal(limit_client_key(a, addr), want);
	arena_free(a);
}

static void test_ipv4_whole(void **state)
{
	(void)state;
	check("203.113.131.1", "addr:203.113.131.1");
	check("127.0.0.1", "addr:127.0.0.1");
	/* the same client written the IPv6 way is the same key */
	check("::ffff:203.113.131.1", "addr:203.113.131.1");
}

/* One home or phone holds a whole /64 and may take any address in it:
 * counted by the /64, however the address is written. */
static void test_ipv6_by_its_64(void **state)
{
	(void)state;
	check("2001:ee0:4f01:2a10::1", "addr:2001:ee0:4f01:2a10::/64");
	check("2001:ee0:4f01:2a10:a8b1:3cff:fe12:9e01", "addr:2001:ee0:4f01:2a10::/64");
	check("2001:0EE0:4F01:2A10:0:0:0:7", "addr:2001:ee0:4f01:2a10::/64");
	/* the next /64 is another client */
	check("2001:ee0:4f01:2a11::1", "addr:2001:ee0:4f01:2a11::/64");
	check("::1", "addr:::/64");
}

static void test_other_text_as_it_came(void **state)
{
	(void)state;
	check("", "addr:");
	check(NULL, "addr:");
	check("unix:", "addr:unix:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_whole),
		cmocka_unit_test(test_ipv6_by_its_64),
		cmocka_unit_test(test_other_text_as_it_came),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
