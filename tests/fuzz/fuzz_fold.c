/*
 * fuzz_fold.c - libFuzzer harness for lib/vntext.c.
 *
 * vn_fold runs over untrusted search queries on every request, so its
 * documented invariants are asserted on arbitrary bytes:
 *  - output length <= input length (callers size out as n + 1),
 *  - output is only [a-z0-9 ], NUL-terminated at the returned length,
 *  - no leading, trailing or double spaces,
 *  - idempotent: fold(fold(x)) == fold(x).
 * utf8_valid and utf8_prefix ride along since they share the decoder:
 * a prefix of valid text is valid, and never longer than asked for.
 * vn_nfc too (obligations' texts from agency programs): never longer,
 * NUL-terminated, valid text stays valid, idempotent, and composing
 * changes nothing a search sees (fold(nfc(x)) == fold(x)).
 *
 * Build and run; the first corpus dir receives new inputs, so point it at
 * a scratch copy to keep the committed seed corpus small:
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -Ilib lib/vntext.c lib/buf.c tests/fuzz/fuzz_fold.c -o /tmp/fuzz_fold
 *   mkdir -p /tmp/fold_corpus
 *   /tmp/fuzz_fold -max_total_time=30 /tmp/fold_corpus tests/fuzz/corpus/fold
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vntext.h"
#include "fuzz.h"

/* abort() rather than assert(): must also fire in -DNDEBUG builds. */

static void check_folded(const char *s, size_t len)
{
	CHECK(s[len] == '\0');
	if (!len)
		return;
	CHECK(s[0] != ' ' && s[len - 1] != ' ');
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == ' ');
		CHECK(!(c == ' ' && s[i + 1] == ' '));
	}
}

/* Each character is at least one byte, so cutting only shrinks. */
static void check_prefix(const char *s, size_t n)
{
	size_t all = utf8_prefix(s, n, n);
	size_t half = utf8_prefix(s, n, n / 2);

	CHECK(all == n);
	CHECK(half <= n && utf8_prefix(s, n, 0) == 0);
	if (utf8_valid(s, n)) {
		CHECK(utf8_valid(s, half));
		CHECK(utf8_valid(s + half, n - half));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exact-size heap buffers so ASan sees any write past n + 1. */
	char *in = malloc(size ? size : 1);
	char *out = malloc(size + 1);
	size_t len, len2;
	char *again;

	CHECK(in && out);
	if (size)
		memcpy(in, data, size);
	len = vn_fold(in, size, out);
	CHECK(len <= size);
	check_folded(out, len);

	again = malloc(len + 1);
	CHECK(again);
	len2 = vn_fold(out, len, again);
	CHECK(len2 == len && memcmp(again, out, len + 1) == 0);

	check_prefix(in, size);

	char *nfc = malloc(size + 1), *nfc2, *folded;
	CHECK(nfc);
	if (size)
		memcpy(nfc, data, size);
	size_t m = vn_nfc(nfc, size), m2;
	CHECK(m <= size && nfc[m] == '\0');
	CHECK(!utf8_valid(in, size) || utf8_valid(nfc, m));
	nfc2 = malloc(m + 1);
	folded = malloc(m + 1);
	CHECK(nfc2 && folded);
	memcpy(nfc2, nfc, m + 1);
	m2 = vn_nfc(nfc2, m);
	CHECK(m2 == m && memcmp(nfc2, nfc, m + 1) == 0);
	if (utf8_valid(in, size)) {
		size_t fl = vn_fold(nfc, m, folded);
		CHECK(fl == len && memcmp(folded, out, len + 1) == 0);
	}
	free(folded);
	free(nfc2);
	free(nfc);

	free(again);
	free(out);
	free(in);
	return 0;
}
