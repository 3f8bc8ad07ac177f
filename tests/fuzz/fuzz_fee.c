/*
 * fuzz_fee.c - libFuzzer harness for fee_parse and time_parse
 * (cgi-bin/catalog/fees.c, included whole: it is the catalog's) on NUL-terminated copies of arbitrary bytes.
 *
 * Invariants:
 *  - fee_parse returns one of the three kinds; FEE_UNKNOWN and FEE_FREE
 *    leave the amount at 0;
 *  - FEE_AMOUNT means at least 1.000 đồng, in whole 500s, and the amount
 *    is a number written in the text: digits grouped by '.' only, by ','
 *    only, or plain (never a number that is not in the text, e.g. never
 *    1000000 from "1.000,000");
 *  - time_parse returns 0 with a value in [0, 100000] and a known unit
 *    (and names for it), or -1.
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-Ilib tests/fuzz/fuzz_fee.c -o /tmp/fuzz_fee
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../cgi-bin/catalog/fees.c"
#include "fuzz.h"


static int sep_digit(const char *p)
{
	return (p[0] == '.' || p[0] == ',') && isdigit((unsigned char)p[1]);
}

/*
 * Value of the number written at p, with thousands groups separated by sep
 * only (sep 0: plain digits), or -1 when the number does not end there
 * (more digits, or a group with another separator: "1.000,000" is no
 * number for either separator).
 */
static long long number_at(const char *p, char sep)
{
	long long v = 0;

	while (isdigit((unsigned char)*p)) {
		if (v > 100000000000000000LL)
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	while (sep && p[0] == sep && isdigit((unsigned char)p[1]) &&
	       isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
	       !isdigit((unsigned char)p[4])) {
		if (v > 100000000000000LL)
			return -1;
		v = v * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
		p += 4;
	}
	if (isdigit((unsigned char)*p) || sep_digit(p))
		return -1;
	return v;
}

/* Some whole number in text, as written, equals amount. */
static int amount_in_text(const char *text, long long amount)
{
	for (const char *p = text; *p; p++) {
		if (!isdigit((unsigned char)*p))
			continue;
		if (p > text && isdigit((unsigned char)p[-1]))
			continue;
		if (p > text + 1 && sep_digit(p - 1) &&
		    isdigit((unsigned char)p[-2]))
			continue;	/* inside a grouped number */
		if (number_at(p, '.') == amount || number_at(p, ',') == amount ||
		    number_at(p, 0) == amount)
			return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	long long amount = -1;
	int k, v = -1, u = -1, rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	k = fee_parse(text, &amount);
	CHECK(k == FEE_UNKNOWN || k == FEE_FREE || k == FEE_AMOUNT);
	if (k != FEE_AMOUNT) {
		CHECK(amount == 0);
	} else {
		CHECK(amount >= 1000 && amount % 500 == 0);
		CHECK(amount_in_text(text, amount));
	}

	rc = time_parse(text, &v, &u);
	CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		CHECK(v >= 0 && v <= 100000);
		CHECK(u >= TU_NONE && u <= TU_MONTH);
		if (u != TU_NONE) {
			CHECK(time_unit_db(u) != NULL);
			CHECK(time_unit_from_db(time_unit_db(u)) == u);
			CHECK(*time_unit_vi(u));
		}
	}
	free(text);
	return 0;
}
