/* test_synonyms.c - the search dictionary: parsing, longest match,
 * staff's entries over the file's, refusals with their line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synonyms.h"

static const char text[] =
	"# comment\n"
	"sổ đỏ\tgiấy chứng nhận quyền sử dụng đất | quyền sở hữu nhà ở\ttu\tcách gọi\n"
	"sổ đỏ bị mất\tcấp lại giấy chứng nhận do bị mất\ttu\tmất sổ\r\n"
	"\n"
	"CCCD\tthẻ căn cước\tviettat\tviết tắt\n"
	"làm\t\thutu\ttừ đệm\n";

static void parses_and_folds(void **state)
{
	(void)state;
	syn_dict *d = syn_new();
	char err[200];
	assert_int_equal(syn_parse(d, text, strlen(text), err, sizeof err), 0);
	assert_string_equal(err, "");
	assert_int_equal(syn_count(d), 4);
	const syn_entry *e = syn_at(d, 0);
	assert_string_equal(e->key, "so do");
	assert_int_equal(e->nalts, 2);
	assert_string_equal(e->alts[0], "giay chung nhan quyen su dung dat");
	assert_string_equal(e->shown[1], "quyền sở hữu nhà ở");
	assert_int_equal(syn_at(d, 2)->kind, SYN_ABBR);
	assert_string_equal(syn_at(d, 2)->key, "cccd");
	assert_int_equal(syn_at(d, 3)->kind, SYN_FILLER);
	assert_int_equal(syn_at(d, 3)->nalts, 0);
	syn_free(d);
}

static void longest_match_wins(void **state)
{
	(void)state;
	syn_dict *d = syn_new();
	char err[200];
	syn_parse(d, text, strlen(text), err, sizeof err);
	const char *q1[] = {"so", "do", "bi", "mat", "o", "dau"};
	int used;
	const syn_entry *e = syn_match(d, q1, 6, &used);
	assert_non_null(e);
	assert_int_equal(used, 4);
	assert_string_equal(e->key, "so do bi mat");
	const char *q2[] = {"so", "do", "o", "dau"};
	e = syn_match(d, q2, 4, &used);
	assert_int_equal(used, 2);
	const char *q3[] = {"khai", "sinh"};
	assert_null(syn_match(d, q3, 2, &used));
	assert_int_equal(used, 0);
	syn_free(d);
}

static void staff_entry_replaces_the_file(void **state)
{
	(void)state;
	syn_dict *d = syn_new();
	char err[200];
	syn_parse(d, text, strlen(text), err, sizeof err);
	assert_int_equal(syn_add(d, "Sổ Đỏ", "quyền sử dụng đất", "tu", "cán bộ sửa", 1, err, sizeof err), 0);
	assert_int_equal(syn_count(d), 4);
	const char *q[] = {"so", "do"};
	int used;
	const syn_entry *e = syn_match(d, q, 2, &used);
	assert_true(e->from_db);
	assert_string_equal(e->alts[0], "quyen su dung dat");
	syn_free(d);
}

static void bad_lines_are_refused_with_their_number(void **state)
{
	(void)state;
	const char *bad[] = {
		"a\tb\ttu\n",                      /* three columns */
		"a\tb\tkhac\tx\n",                 /* unknown kind */
		"a\t\ttu\tx\n",                    /* no expansion */
		"a\tb\thutu\tx\n",                 /* filler with a meaning */
		"a\tb\ttu\t\n",                    /* no reason */
		"!!!\tb\ttu\tx\n",                 /* no word in the phrase */
		"a b c d e f g h i\tb\ttu\tx\n",   /* too many words */
		"a\t|||\ttu\tx\n",                 /* no word in the meaning */
		"a\xff\tb\ttu\tx\n",               /* not UTF-8 */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		syn_dict *d = syn_new();
		char err[200];
		char buf[300];
		snprintf(buf, sizeof buf, "# ok\nlàm\t\thutu\tx\n%s", bad[i]);
		assert_int_equal(syn_parse(d, buf, strlen(buf), err, sizeof err), 1);
		assert_non_null(strstr(err, "dòng 3:"));
		assert_int_equal(syn_count(d), 1);
		syn_free(d);
	}
}

static void the_shipped_dictionary_is_clean(void **state)
{
	(void)state;
	FILE *f = fopen("cgi-bin/catalog/data/synonyms.tsv", "rb");
	assert_non_null(f);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	syn_dict *d = syn_new();
	char err[200];
	int bad = syn_parse(d, buf, n, err, sizeof err);
	if (bad)
		fprintf(stderr, "synonyms.tsv: %s\n", err);
	assert_int_equal(bad, 0);
	assert_true(syn_count(d) >= 300);
	syn_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_and_folds),
		cmocka_unit_test(longest_match_wins),
		cmocka_unit_test(staff_entry_replaces_the_file),
		cmocka_unit_test(bad_lines_are_refused_with_their_number),
		cmocka_unit_test(the_shipped_dictionary_is_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
