/*
 * test_crypto.c - unit tests for lib/crypto.c against published vectors
 * (RFC 4231 for HMAC-SHA256/512, FIPS 180 for SHA-256) and a PBKDF2 value
 * computed independently (Python's hashlib.pbkdf2_hmac).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "crypto.h"

static void sha256_known(void **state)
{
	char out[65];
	sha256_hex("abc", 3, out);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, out);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void hmac_rfc4231(void **state)
{
	/* Test case 2: key "Jefe" */
	const char *msg = "what do ya want for nothing?";
	char h256[65], h512[129];
	hmac_sha256_hex("Jefe", 4, msg, strlen(msg), h256);
	assert_string_equal(h256, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	hmac_sha512_hex("Jefe", 4, msg, strlen(msg), h512);
	assert_string_equal(h512,
		"164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
	/* Test case 1: key 0x0b * 20, "Hi There" */
	unsigned char key[20];
	memset(key, 0x0b, sizeof key);
	hmac_sha256_hex(key, sizeof key, "Hi There", 8, h256);
	assert_string_equal(h256, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	hmac_sha512_hex("key", 3, "The quick brown fox jumps over the lazy dog", 43, h512);
	assert_string_equal(h512,
		"b42af09057bac1e2d41708e48a902e09b5ff7f12ab428a4fe86653c73dd248fb82f948a549f7b791a5b41915ee4d1ec3935357e4e2317250d0372afa2ebeeb3a");
}

static void constant_time_eq(void **state)
{
	assert_true(crypto_eq("abc", "abc"));
	assert_false(crypto_eq("abc", "abd"));
	assert_false(crypto_eq("abc", "abcd"));
	assert_false(crypto_eq("", "a"));
	assert_true(crypto_eq("", ""));
}

static void tokens(void **state)
{
	arena *a = arena_new(4096);
	const char *t1 = crypto_token(a, 32), *t2 = crypto_token(a, 32);
	assert_int_equal(strlen(t1), 64);
	assert_string_not_equal(t1, t2);
	assert_int_equal(strspn(t1, "0123456789abcdef"), 64);
	assert_null(crypto_token(a, 65));
	for (int i = 0; i < 1000; i++) {
		long long x = crypto_uniform(1000000);
		assert_true(x >= 0 && x < 1000000);
	}
	arena_free(a);
}

static void password_known_answer(void **state)
{
	/* salt 00..0f, 1000 iterations, computed with hashlib.pbkdf2_hmac */
	const char *stored = "pbkdf2-sha256$1000$000102030405060708090a0b0c0d0e0f$"
			     "71e204e7c858cad4fe4500c69611fb856e4142e8463ac4d589623328ac9b8e72";
	assert_true(password_verify(stored, "mật khẩu 123"));
	assert_false(password_verify(stored, "mật khẩu 124"));
	assert_false(password_verify(stored, ""));
}

static void password_roundtrip(void **state)
{
	arena *a = arena_new(4096);
	const char *h = password_hash(a, "Hoa@2026 đăng ký");
	assert_non_null(h);
	assert_true(strncmp(h, "pbkdf2-sha256$600000$", 21) == 0);
	assert_true(password_verify(h, "Hoa@2026 đăng ký"));
	assert_false(password_verify(h, "hoa@2026 đăng ký"));
	const char *h2 = password_hash(a, "Hoa@2026 đăng ký");
	assert_string_not_equal(h, h2);  /* a salt of its own */
	arena_free(a);
}

static void password_malformed(void **state)
{
	static const char *const bad[] = {
		NULL, "", "plain", "pbkdf2-sha256$", "pbkdf2-sha256$999$00$00",
		"pbkdf2-sha256$1000$000102030405060708090a0b0c0d0e0f$71e2",
		"pbkdf2-sha256$1000$000102030405060708090a0b0c0d0e0fX"
		"71e204e7c858cad4fe4500c69611fb856e4142e8463ac4d589623328ac9b8e72",
		"pbkdf2-sha256$1000$zz0102030405060708090a0b0c0d0e0f$"
		"71e204e7c858cad4fe4500c69611fb856e4142e8463ac4d589623328ac9b8e72",
		"pbkdf2-sha256$99999999999$000102030405060708090a0b0c0d0e0f$"
		"71e204e7c858cad4fe4500c69611fb856e4142e8463ac4d589623328ac9b8e72",
		"md5$1000$000102030405060708090a0b0c0d0e0f$"
		"71e204e7c858cad4fe4500c69611fb856e4142e8463ac4d589623328ac9b8e72",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(password_verify(bad[i], "mật khẩu 123"));
	/* no account at all: refused (after a check of the full cost) */
	assert_false(password_verify(NULL, ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_known), cmocka_unit_test(hmac_rfc4231),
		cmocka_unit_test(constant_time_eq), cmocka_unit_test(tokens),
		cmocka_unit_test(password_known_answer), cmocka_unit_test(password_roundtrip),
		cmocka_unit_test(password_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
