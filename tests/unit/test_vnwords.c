/*
 * test_vnwords.c - amounts in Vietnamese words, as receipts print them.
 * Known answers written by hand from the conventions in vnwords.h, and a
 * whole-range check against a second, independent reader written here
 * digit by digit (no shared code with lib/vnwords.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "vnwords.h"

static void check(long long v, const char *want)
{
	buf b = BUF_INIT;
	assert_int_equal(vn_amount_words(&b, v), 0);
	if (strcmp(b.p, want) != 0)
		fail_msg("%lld: got \"%s\", want \"%s\"", v, b.p, want);
	buf_free(&b);
}

static void test_known(void **state)
{
	(void)state;
	check(0, "Không đồng");
	check(1, "Một đồng");
	check(5, "Năm đồng");
	check(10, "Mười đồng");
	check(11, "Mười một đồng");
	check(14, "Mười bốn đồng");
	check(15, "Mười lăm đồng");
	check(20, "Hai mươi đồng");
	check(21, "Hai mươi mốt đồng");
	check(24, "Hai mươi bốn đồng");
	check(25, "Hai mươi lăm đồng");
	check(55, "Năm mươi lăm đồng");
	check(100, "Một trăm đồng");
	check(101, "Một trăm linh một đồng");
	check(105, "Một trăm linh năm đồng");
	check(110, "Một trăm mười đồng");
	check(115, "Một trăm mười lăm đồng");
	check(1000, "Một nghìn đồng");
	check(1001, "Một nghìn không trăm linh một đồng");
	check(1010, "Một nghìn không trăm mười đồng");
	check(1100, "Một nghìn một trăm đồng");
	check(8000, "Tám nghìn đồng");
	check(50000, "Năm mươi nghìn đồng");
	check(150000, "Một trăm năm mươi nghìn đồng");
	check(1000000, "Một triệu đồng");
	check(1005000, "Một triệu không trăm linh năm nghìn đồng");
	check(1000005, "Một triệu không trăm linh năm đồng");
	check(1050000, "Một triệu không trăm năm mươi nghìn đồng");
	check(2500000, "Hai triệu năm trăm nghìn đồng");
	check(15750000, "Mười lăm triệu bảy trăm năm mươi nghìn đồng");
	check(1000000000, "Một tỷ đồng");
	check(1000000001, "Một tỷ không trăm linh một đồng");
	check(1234567891, "Một tỷ hai trăm ba mươi bốn triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi mốt đồng");
	check(21000000000, "Hai mươi mốt tỷ đồng");
	check(1000000000000, "Một nghìn tỷ đồng");
	check(1005000000000, "Một nghìn không trăm linh năm tỷ đồng");
	check(1000005000000, "Một nghìn tỷ không trăm linh năm triệu đồng");
	check(999999999999999, "Chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng");
	check(1000000000000000, "Một triệu tỷ đồng");
}

static void test_range(void **state)
{
	(void)state;
	buf b = BUF_INIT;
	assert_int_equal(vn_amount_words(&b, -1), -1);
	assert_int_equal(vn_amount_words(&b, VNWORDS_MAX + 1), -1);
	assert_int_equal((int)b.len, 0);
	/* appends, with no leading space, after what the caller has */
	buf_puts(&b, "Bằng chữ: ");
	assert_int_equal(vn_amount_words(&b, 21), 0);
	assert_string_equal(b.p, "Bằng chữ: Hai mươi mốt đồng");
	buf_reset(&b);
	assert_int_equal(vn_number_words(&b, 21), 0);
	assert_string_equal(b.p, "hai mươi mốt");
	buf_free(&b);
}

/* An independent reader: three-digit groups from the left, each read by a
 * lookup table of 1000 strings built from the tens/units rules. */
static char table[1000][64], table_full[1000][64];

static void build_tables(void)
{
	static const char *d[] = {"không", "một", "hai", "ba", "bốn", "năm",
				  "sáu", "bảy", "tám", "chín"};
	for (int g = 0; g < 1000; g++) {
		int h = g / 100, t = g / 10 % 10, u = g % 10;
		char tu[48] = "";
		if (t == 0 && u)
			snprintf(tu, sizeof tu, "linh %s", d[u]);
		else if (t == 1)
			snprintf(tu, sizeof tu, "mười%s%s", u ? " " : "",
				 u == 0 ? "" : u == 5 ? "lăm" : d[u]);
		else if (t >= 2)
			snprintf(tu, sizeof tu, "%s mươi%s%s", d[t], u ? " " : "",
				 u == 0 ? "" : u == 1 ? "mốt" : u == 5 ? "lăm" : d[u]);
		snprintf(table_full[g], 64, "%s trăm%s%s", d[h], tu[0] ? " " : "", tu);
		if (h)
			strcpy(table[g], table_full[g]);
		else if (t == 0)
			strcpy(table[g], d[u]);
		else
			strcpy(table[g], tu);
	}
}

static void reference(long long v, char *out, size_t n)
{
	/* groups from 10^15 down; tỷ repeats: names by position */
	static const char *names[] = {"triệu tỷ", "nghìn tỷ", "tỷ", "triệu", "nghìn", ""};
	int gs[6];
	long long x = v;
	for (int i = 5; i >= 0; i--) {
		gs[i] = (int)(x % 1000);
		x /= 1000;
	}
	out[0] = 0;
	int said = 0;
	for (int i = 0; i < 6; i++) {
		if (!gs[i])
			continue;
		if (*out)
			strcat(out, " ");
		strcat(out, said ? table_full[gs[i]] : table[gs[i]]);
		const char *nm = names[i];
		/* "nghìn tỷ"/"triệu tỷ" become "nghìn"/"triệu" when a lower
		 * part above tỷ follows and will say "tỷ" */
		if (i == 0 && (gs[1] || gs[2]))
			nm = "triệu";
		if (i == 1 && gs[2])
			nm = "nghìn";
		if (*nm) {
			strcat(out, " ");
			strcat(out, nm);
		}
		said = 1;
	}
	(void)n;
}

static void test_against_reference(void **state)
{
	(void)state;
	build_tables();
	char want[512];
	buf b = BUF_INIT;
	srand(12345);
	for (int n = 0; n < 200000; n++) {
		long long v;
		switch (n % 4) {
		case 0: v = n; break;
		case 1: v = (long long)rand() * 1000 % 1000000000000LL; break;
		case 2: v = ((long long)rand() << 31 | rand()) % (VNWORDS_MAX + 1); break;
		default: {
			/* sparse: few non-zero groups, where the zero rules bite */
			v = 0;
			for (int g = 0; g < 6; g++)
				if (rand() % 3 == 0)
					v += (long long)(rand() % 1000) * (long long)
					     (g == 0 ? 1 : g == 1 ? 1000LL : g == 2 ? 1000000LL :
					      g == 3 ? 1000000000LL : g == 4 ? 1000000000000LL : 1000000000000000LL);
			if (v > VNWORDS_MAX)
				v = VNWORDS_MAX;
		}
		}
		if (v == 0)
			continue;
		reference(v, want, sizeof want);
		buf_reset(&b);
		vn_number_words(&b, v);
		if (strcmp(b.p, want) != 0)
			fail_msg("%lld: got \"%s\", reference \"%s\"", v, b.p, want);
	}
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_against_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
