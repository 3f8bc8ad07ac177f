/* test_search.c - ranking and filters of the catalog search on a small
 * catalog built by hand (no database): the rules of search.h, one by one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "search.h"
#include "searchlog.h"
#include "synonyms.h"
#include "vntext.h"

static field fields[] = {{1, "Hộ tịch", 0}, {2, "Đất đai", 0}};

static struct {
	const char *code, *name;
	int field;
	unsigned levels;
	int online, fee;
	const char *result;
} rows[] = {
	{"1.000001", "Thủ tục đăng ký khai sinh lưu động", 0, LV_COMMUNE, ONLINE_PARTIAL, FEES_FREE, "Giấy khai sinh"},
	{"1.000002", "Thủ tục đăng ký khai sinh", 0, LV_COMMUNE, ONLINE_FULL, FEES_FREE, "Giấy khai sinh"},
	{"1.000003", "Liên thông về đăng ký khai sinh, đăng ký thường trú", 0, LV_COMMUNE, ONLINE_PARTIAL, FEES_UNKNOWN, ""},
	{"1.000004", "Đăng ký thường trú", 0, LV_COMMUNE, ONLINE_PARTIAL, FEES_FREE, ""},
	{"1.000005", "Cấp bản sao trích lục hộ tịch", 0, LV_COMMUNE | LV_PROVINCE, ONLINE_NONE, FEES_FEE, "Bản sao khai sinh"},
	{"1.000006", "Đăng ký đất đai lần đầu", 1, LV_PROVINCE, ONLINE_NONE, FEES_FEE, ""},
	{"1.000007", "Thủ tục đăng ký kết hôn", 0, LV_COMMUNE, ONLINE_PARTIAL, FEES_FREE, ""},
	{"1.000008", "Khai tiền thuê đất", 1, LV_PROVINCE, ONLINE_NONE, FEES_FEE, ""},
	{"1.000009", "Khai thuế đất", 1, LV_PROVINCE, ONLINE_NONE, FEES_FEE, ""},
};
#define NROWS (int)(sizeof rows / sizeof rows[0])

static catalog cat;
static named results[NROWS];
static arena *qa;

static int setup(void **state)
{
	(void)state;
	cat.a = arena_new(1 << 16);
	cat.nprocs = NROWS;
	cat.procs = arena_calloc(cat.a, NROWS, sizeof(proc));
	cat.fields = fields;
	cat.nfields = 2;
	for (int i = 0; i < NROWS; i++) {
		proc *p = &cat.procs[i];
		p->code = rows[i].code;
		p->name = rows[i].name;
		p->field = rows[i].field;
		p->levels = rows[i].levels;
		p->online = rows[i].online;
		p->fee_state = rows[i].fee;
		p->ministry = "";
		p->implementing_agency = p->competent_authority = p->target_subjects = "";
		results[i].name = rows[i].result;
		results[i].code = "";
		p->results = &results[i];
		p->nresults = 1;
		size_t n = strlen(p->name);
		char *f = arena_alloc(cat.a, n + 1);
		p->fold_len = (int)vn_fold(p->name, n, f);
		p->fold_name = f;
		p->fold_phrases = search_fold_phrases(cat.a, p->name, &p->phrases_len);
		char *lw = arena_alloc(cat.a, n + 1);
		vn_lower(p->name, n, lw);
		p->lower_name = lw;
		p->name_rank = i;
	}
	cat.idx = search_build(&cat);
	qa = arena_new(1 << 16);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	search_free(cat.idx);
	arena_free(cat.a);
	arena_free(qa);
	return 0;
}

static search_result run(const char *q, search_query *opt)
{
	search_query sq = {q, -1, 0, -1, -1, NULL, 0, 10, NULL, 0};
	if (opt) {
		sq = *opt;
		sq.q = q;
	}
	search_result r;
	arena_reset(qa);
	search_run(&cat, &sq, qa, &r);
	return r;
}

static const char *code_at(const search_result *r, int i)
{
	return i < r->n ? cat.procs[r->procs[i]].code : "(none)";
}

static void phrase_first_then_shorter(void **state)
{
	(void)state;
	search_result r = run("dang ky khai sinh", NULL);
	/* phrase in the name: the shorter name first */
	assert_string_equal(code_at(&r, 0), "1.000002");
	assert_string_equal(code_at(&r, 1), "1.000001");
	assert_int_equal(r.tiers[0], 0);
}

static void diacritics_case_and_order(void **state)
{
	(void)state;
	const char *qs[] = {"ĐĂNG KÝ KHAI SINH", "đăng ký khai sinh", "khai sinh dang ky", "  Khai   SINH, đăng-ký "};
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		search_result r = run(qs[i], NULL);
		assert_string_equal(code_at(&r, 0), "1.000002");
	}
}

static void phrase_does_not_cross_a_comma(void **state)
{
	(void)state;
	/* "khai sinh, đăng ký" in 1.000003 is not the phrase "khai sinh dang ky" */
	search_result r = run("khai sinh dang ky", NULL);
	for (int i = 0; i < r.n; i++)
		if (strcmp(code_at(&r, i), "1.000003") == 0)
			assert_int_not_equal(r.tiers[i], 0);
}

static void name_before_body_and_all_before_some(void **state)
{
	(void)state;
	/* "khai sinh" is in 1.000005's body (its result), in others' names */
	search_result r = run("ban sao khai sinh", NULL);
	assert_string_equal(code_at(&r, 0), "1.000005");   /* all words, name+body */
	for (int i = 1; i < r.n; i++)
		assert_true(r.tiers[i] >= r.tiers[i - 1]);
	assert_int_equal(r.tiers[r.n - 1], 3);               /* some words */
}

static void clauses_fold_apart(void **state)
{
	(void)state;
	int n;
	assert_string_equal(search_fold_phrases(qa, "Liên thông về đăng ký khai sinh, đăng ký thường trú", &n),
			    "lien thong ve dang ky khai sinh | dang ky thuong tru");
	assert_string_equal(search_fold_phrases(qa, "Cấp thẻ (thực hiện tại cấp tỉnh)", &n),
			    "cap the | thuc hien tai cap tinh");
	assert_string_equal(search_fold_phrases(qa, "Việt Nam – Lào; ", &n), "viet nam | lao");
	assert_string_equal(search_fold_phrases(qa, ",,", &n), "");
	assert_int_equal(n, 0);
	assert_string_equal(search_fold_phrases(qa, "Nghị định 123/2015/NĐ-CP", &n), "nghi dinh 123 2015 nd cp");
}

static void code_typed_in_full(void **state)
{
	(void)state;
	search_result r = run(" 1.000007 ", NULL);
	assert_int_equal(r.total, 1);
	assert_string_equal(code_at(&r, 0), "1.000007");
	r = run("9.999999", NULL);
	assert_int_equal(r.total, 0);
}

static void marks_as_typed_win_ties(void **state)
{
	(void)state;
	/* "thuế" and "thuê" fold alike; typed with marks, the tax comes first */
	search_result r = run("thuế", NULL);
	assert_string_equal(code_at(&r, 0), "1.000009");
	r = run("thuê", NULL);
	assert_string_equal(code_at(&r, 0), "1.000008");
	r = run("THUẾ ĐẤT", NULL);
	assert_string_equal(code_at(&r, 0), "1.000009");
}

static void filters(void **state)
{
	(void)state;
	search_query f = {NULL, -1, LV_PROVINCE, -1, -1, NULL, 0, 10, NULL, 0};
	search_result r = run("dang ky", &f);
	assert_int_equal(r.total, 1);
	assert_string_equal(code_at(&r, 0), "1.000006");
	search_query on = {NULL, -1, 0, ONLINE_FULL, -1, NULL, 0, 10, NULL, 0};
	r = run("", &on);
	assert_int_equal(r.total, 1);
	search_query fee = {NULL, -1, 0, -1, FEES_FEE, NULL, 0, 10, NULL, 0};
	r = run("", &fee);
	assert_int_equal(r.total, 4);
	search_query fld = {NULL, 1, 0, -1, -1, NULL, 0, 10, NULL, 0};
	r = run("", &fld);
	assert_int_equal(r.total, 3);
}

static void paging_and_unknown_words(void **state)
{
	(void)state;
	search_query pg = {NULL, -1, 0, -1, -1, NULL, 2, 2, NULL, 0};
	search_result r = run("dang ky", &pg);
	assert_int_equal(r.n, 2);
	assert_true(r.total >= 6);
	search_query far = {NULL, -1, 0, -1, -1, NULL, 100, 10, NULL, 0};
	r = run("dang ky", &far);
	assert_int_equal(r.n, 0);
	r = run("xyzzy khai", NULL);
	assert_int_equal(r.ntokens, 2);
	assert_int_equal(r.token_hits[0], 0);
	assert_true(r.token_hits[1] > 0);
	r = run("", NULL);
	assert_int_equal(r.total, NROWS);
}

static void many_words_are_capped(void **state)
{
	(void)state;
	search_result r = run("a b c d e f g h i j k l m n o p q r s t u v w", NULL);
	assert_int_equal(r.ntokens, SEARCH_MAX_TOKENS);
}

/* The query as people mean it: a dictionary on the small catalog. */
static search_result run_dict(const char *q, int exact)
{
	static syn_dict *d;
	if (!d) {
		static const char text[] =
			"giấy khai sinh\tkhai sinh\ttu\tgiấy tờ trong tay\n"
			"lấy vợ\tđăng ký kết hôn\ttu\tviệc xảy ra\n"
			"dkkh\tđăng ký kết hôn\tviettat\tviết tắt\n"
			"thủ tục\t\thutu\ttừ đệm\n"
			"làm\t\thutu\ttừ đệm\n"
			"ở đâu\t\thutu\ttừ để hỏi\n"
			"cho con\t\thutu\tngười làm thay\n";
		char err[100];
		d = syn_new();
		syn_parse(d, text, strlen(text), err, sizeof err);
	}
	search_query sq = {q, -1, 0, -1, -1, NULL, 0, 10, d, exact};
	search_result r;
	arena_reset(qa);
	search_run(&cat, &sq, qa, &r);
	return r;
}

static void dictionary_phrases_and_filler(void **state)
{
	(void)state;
	search_result r = run_dict("làm giấy khai sinh cho con ở đâu", 0);
	assert_string_equal(code_at(&r, 0), "1.000002");
	assert_string_equal(r.understood, "khai sinh");
	r = run_dict("lấy vợ", 0);
	assert_string_equal(code_at(&r, 0), "1.000007");
	assert_int_equal(r.tiers[0], 1);
	r = run_dict("DKKH", 0);
	assert_string_equal(code_at(&r, 0), "1.000007");
	/* exact: nothing rewritten, nothing found for the slang */
	r = run_dict("lấy vợ", 1);
	assert_null(r.understood);
	assert_int_equal(r.total, 0);
	/* only filler: then it is what was asked for */
	r = run_dict("thủ tục", 0);
	assert_true(r.total >= 3);
}

static void slips_of_the_keyboard(void **state)
{
	(void)state;
	const char *slips[][2] = {
		{"ddang ky ket hon", "1.000007"},     /* telex dd */
		{"dang ky kett hon", "1.000007"},     /* doubled letter */
		{"dang ky ket hn", "1.000007"},       /* dropped letter */
		{"dangky ket hon", "1.000007"},       /* words run together */
		{"khai xinh", "1.000002"},            /* s/x */
		{"chich luc ho tich", "1.000005"},    /* tr/ch */
		{"dang ky thuong chu", "1.000004"},   /* ch/tr in a rare word */
		{"khaii sinh", "1.000002"},
	};
	for (size_t i = 0; i < sizeof slips / sizeof slips[0]; i++) {
		search_result r = run_dict(slips[i][0], 0);
		if (strcmp(code_at(&r, 0), slips[i][1]) != 0)
			fail_msg("%s: got %s", slips[i][0], code_at(&r, 0));
	}
	search_result r = run_dict("khai xinh", 0);
	assert_true(r.corrected);
	assert_string_equal(r.understood, "khai sinh");
}

static void corrected_ranks_below_exact(void **state)
{
	(void)state;
	/* a slip of "thue" ("thuee") finds the same names, never above the
	 * tier the exact word reaches (here the phrase, tier 0) */
	search_result exact = run_dict("khai thue dat", 0);
	assert_int_equal(exact.tiers[0], 0);
	/* the next run reuses the arena the first result lives in: keep
	 * what is compared */
	char first[16];
	snprintf(first, sizeof first, "%s", code_at(&exact, 0));
	search_result fixed = run_dict("khai thuee dat", 0);
	assert_true(fixed.corrected);
	assert_true(fixed.tiers[0] >= 1);
	assert_string_equal(code_at(&fixed, 0), first);
}

static void only_symbols_finds_nothing(void **state)
{
	(void)state;
	search_result r = run_dict("?!... ---", 0);
	assert_int_equal(r.total, 0);
	assert_true(r.no_words);
	r = run_dict("", 0);
	assert_int_equal(r.total, NROWS);
	assert_false(r.no_words);
}

static void misses_keep_only_the_words(void **state)
{
	(void)state;
	const char *shown;
	const char *key = searchlog_words(qa, "Sổ  ĐỎ của tôi 0912345678 số 12", &shown);
	assert_string_equal(shown, "sổ đỏ của tôi số 12");
	assert_string_equal(key, "so do cua toi so 12");
	key = searchlog_words(qa, "0912345678", &shown);
	assert_string_equal(key, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dictionary_phrases_and_filler),
		cmocka_unit_test(slips_of_the_keyboard),
		cmocka_unit_test(corrected_ranks_below_exact),
		cmocka_unit_test(only_symbols_finds_nothing),
		cmocka_unit_test(misses_keep_only_the_words),
		cmocka_unit_test(phrase_first_then_shorter),
		cmocka_unit_test(diacritics_case_and_order),
		cmocka_unit_test(phrase_does_not_cross_a_comma),
		cmocka_unit_test(name_before_body_and_all_before_some),
		cmocka_unit_test(clauses_fold_apart),
		cmocka_unit_test(code_typed_in_full),
		cmocka_unit_test(marks_as_typed_win_ties),
		cmocka_unit_test(filters),
		cmocka_unit_test(paging_and_unknown_words),
		cmocka_unit_test(many_words_are_capped),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
