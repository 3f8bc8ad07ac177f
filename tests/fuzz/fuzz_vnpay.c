/*
 * fuzz_vnpay.c - libFuzzer harness for the bank callback path: a query
 * string as the IPN and return URL receive it, parsed (url.c) and verified
 * (cgi-bin/payment/vnpay.c, compiled into this harness), and a querydr
 * answer body parsed (jsonparse.c) and verified.
 *
 * Invariants:
 *  - vnp_verify answers VALID, NO_HASH or BAD_HASH, and never VALID for
 *    the input as given unless it carries the right HMAC (with a fixed
 *    secret the fuzzer does not know, that means: never);
 *  - re-signing the same parameters with vnp_hash_data + vnp_hmac makes
 *    vnp_verify answer VALID, unless a name repeats (then BAD_HASH);
 *  - vnp_orderinfo of any bytes passes vnp_orderinfo_ok (or is empty);
 *  - a querydr answer verifies as NO_HASH or BAD_HASH, never VALID.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../cgi-bin/payment/vnpay.c"
#include "fuzz.h"
#include "url.h"

#define SECRET "fuzz-secret-the-input-cannot-know"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = fuzz_arena();
	char *in = fuzz_copy(data, size);
	if (!in)
		return 0;
	kvlist l = {0};
	const char *bad = NULL;
	if (form_parse(a, in, size, 64, &l, &bad) == URL_OK) {
		vnp_kv *v = arena_calloc(a, l.n + 1, sizeof *v);
		for (size_t i = 0; i < l.n; i++)
			v[i] = (vnp_kv){l.items[i].name, l.items[i].value};
		int rc = vnp_verify(SECRET, v, l.n);
		CHECK(rc == VNP_NO_HASH || rc == VNP_BAD_HASH);
		/* re-sign: drop every vnp_SecureHash, sign the rest, add it */
		size_t m = 0;
		for (size_t i = 0; i < l.n; i++)
			if (strcmp(v[i].name, "vnp_SecureHash") != 0)
				v[m++] = v[i];
		buf d = BUF_INIT;
		int dup = vnp_hash_data(&d, v, m) < 0;
		char h[VNP_HASH_HEX + 1];
		vnp_hmac(SECRET, d.p ? d.p : "", d.len, h);
		v[m++] = (vnp_kv){"vnp_SecureHash", h};
		rc = vnp_verify(SECRET, v, m);
		CHECK(dup ? rc == VNP_BAD_HASH : rc == VNP_VALID);
		buf_free(&d);
		buf oi = BUF_INIT;
		for (size_t i = 0; i < l.n; i++)
			if (l.items[i].value) {
				buf_reset(&oi);
				vnp_orderinfo(&oi, l.items[i].value);
				CHECK(oi.len == 0 || vnp_orderinfo_ok(oi.p));
			}
		buf_free(&oi);
	}
	char err[80];
	json_value *o = json_parse(a, in, size, err, sizeof err);
	if (o) {
		int rc = vnp_querydr_answer_verify(SECRET, o);
		CHECK(rc == VNP_NO_HASH || rc == VNP_BAD_HASH);
	}
	free(in);
	return 0;
}
