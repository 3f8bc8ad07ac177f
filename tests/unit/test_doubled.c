/*
 * test_doubled.c - undouble_words (cgi-bin/catalog/doubled.c) on sentences
 * of the national catalog, each copied from
 * ../shared/data/procedures/tthc_detail_all.jsonl.gz: the slips it folds,
 * and the words Vietnamese says twice on purpose, which it must leave.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "doubled.h"

static void check(const char *in, size_t folds, const char *want)
{
	char s[512];
	strcpy(s, in);
	assert_int_equal(undouble_words(s), folds);
	assert_string_equal(s, want);
}

static void test_slips_folded(void **state)
{
	(void)state;
	check("Quyết định công bố mở cảng cá theo theo Mẫu số 02.CC Phụ lục XII", 1,
	      "Quyết định công bố mở cảng cá theo Mẫu số 02.CC Phụ lục XII");
	check("nộp đơn đề nghị trực tiếp tại tại bất kỳ Trung tâm Phục vụ hành chính công", 1,
	      "nộp đơn đề nghị trực tiếp tại bất kỳ Trung tâm Phục vụ hành chính công");
	check("- Bản chính hoặc hoặc bản sao điện tử hoặc bản sao", 1,
	      "- Bản chính hoặc bản sao điện tử hoặc bản sao");
	check("được Bộ Kế hoạch và và Đầu tư cấp tài khoản", 1,
	      "được Bộ Kế hoạch và Đầu tư cấp tài khoản");
	check("quy định tại Điều 41 của của Luật các tổ chức tín dụng;", 1,
	      "quy định tại Điều 41 của Luật các tổ chức tín dụng;");
	check("phối hợp với với các Sở, ngành liên quan; gửi bản chính đến đến Các Trung tâm", 2,
	      "phối hợp với các Sở, ngành liên quan; gửi bản chính đến Các Trung tâm");
	/* "ngày" and "số" only before a number */
	check("Nghị định số 70/2025/NĐ-CP ngày ngày 20 tháng 3 năm 2025", 1,
	      "Nghị định số 70/2025/NĐ-CP ngày 20 tháng 3 năm 2025");
	check("theo quy định tại Thông tư số số 61/2025/TT-NHNN.", 1,
	      "theo quy định tại Thông tư số 61/2025/TT-NHNN.");
	/* a sentence's capital is kept; the pair at the very start and end */
	check("Theo theo Mẫu số 04", 1, "Theo Mẫu số 04");
	check("gửi kết quả cho cho", 1, "gửi kết quả cho");
}

static void test_meant_twice_left(void **state)
{
	(void)state;
	static const char *const kept[] = {
		"đối với trường hợp hợp đồng bằng tiếng nước ngoài",
		"sản chìm đắm trên tuyến đường thủy nội địa địa phương",
		"khi có hành vi vi phạm pháp luật",
		"máy thi công công trình hầm, ngầm",
		"quy định tại Điều 10 của Luật Luật sư",
		"khu vực nội thành thành phố Hà Nội",
		"Trường hợp kiểm định định kỳ",
		"ngày ngày cập nhật",          /* every day: no number after it */
		"bảng số số liệu",
		"phải nộp theo Theo dõi",       /* the second capitalised: not a slip we can be sure of */
		"quyền sở hữu của của cải",     /* of property: "của cải" is a word */
		"tạitại", "theotheo theo",      /* not two whole words */
		"xem theo  theo",               /* two spaces */
		"Mẫu theo theoMẫu",
		"",
	};
	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
		check(kept[i], 0, kept[i]);
}

/* A pair is only whole words: a longer word that begins like one is not
 * folded ("vào vào" is not "và"), and bytes beyond ASCII never split. */
static void test_word_edges(void **state)
{
	(void)state;
	check("đi vào vào nhà", 0, "đi vào vào nhà");
	check("trao cho chó", 0, "trao cho chó");
	check("xã/theo theo/phường", 1, "xã/theo/phường");
	check("\xff theo theo \xfe", 1, "\xff theo \xfe");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slips_folded),
		cmocka_unit_test(test_meant_twice_left),
		cmocka_unit_test(test_word_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
