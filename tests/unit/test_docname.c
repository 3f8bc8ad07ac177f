/*
 * test_docname.c - doc_split (cgi-bin/catalog/docname.c) on documents of
 * the national catalog as its scraper left them (name, templates), each
 * copied from ../shared/data/procedures/tthc_detail_all.jsonl.gz.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "arena.h"
#include "docname.h"

static void check(const char *name, const char *templates, int cut,
		  const char *want_name, const char *want_templates)
{
	arena *a = arena_new(4096);
	const char *n, *t;
	assert_int_equal(doc_split(a, name, templates, &n, &t), cut);
	assert_string_equal(n, want_name);
	assert_string_equal(t, want_templates);
	arena_free(a);
}

/* a template word glued to the end of the name */
static void test_glued_word(void **state)
{
	(void)state;
	check("Giấy chứng nhận đăng ký phương tiện thủy nội địa theo quy địnhMauon", "(2).docx", 1,
	      "Giấy chứng nhận đăng ký phương tiện thủy nội địa theo quy định", "Mauon (2).docx");
	check("Mẫu số 03 ban hành kèm theo Thông tư số 26/2025/TT-BNNMTMẫu số", "03.docx", 1,
	      "Mẫu số 03 ban hành kèm theo Thông tư số 26/2025/TT-BNNMT", "Mẫu số 03.docx");
	/* "mẫu" after a space is the text's own word, not a file */
	check("Tờ khai theo mẫu quy định, 4x6 cm có nền màu trắngmau so 12", "(1).doc", 1,
	      "Tờ khai theo mẫu quy định, 4x6 cm có nền màu trắng", "mau so 12 (1).doc");
}

/* a file after '.' or ';' with no space */
static void test_punctuation(void **state)
{
	(void)state;
	check("- Đơn đề nghị gia hạn theo", "mẫu.Mauon.docx", 1,
	      "- Đơn đề nghị gia hạn theo mẫu", "Mauon.docx");
	check("- Đơn  xin nhận  con", "nuôi;1.nxinnhnconnui.doc", 1,
	      "- Đơn  xin nhận  con nuôi", "1.nxinnhnconnui.doc");
	check("Tờ khai do cha, mẹ, người đại diện hợp pháp khai và ký", "tên.M01b.pdf", 1,
	      "Tờ khai do cha, mẹ, người đại diện hợp pháp khai và ký tên", "M01b.pdf");
	/* a glued word wins over an earlier '.': "05.QLT" is the name's own */
	check("- Đơn gia hạn theo Mẫu số 05.QLT Phụ lục IA ban hành kèm theo Nghị định số 32/2026/NĐ-CP;Mẫu số 05.QLT (gia",
	      "hạn).docx", 1,
	      "- Đơn gia hạn theo Mẫu số 05.QLT Phụ lục IA ban hành kèm theo Nghị định số 32/2026/NĐ-CP",
	      "Mẫu số 05.QLT (gia hạn).docx");
}

/* several files glued together come back apart */
static void test_several_files(void **state)
{
	(void)state;
	check("Bản khai theo Mẫu 06, Mẫu 08 Phụ lục I Nghị định số", "23/2026/NĐ-CPMau06.docxMau08.docx", 1,
	      "Bản khai theo Mẫu 06, Mẫu 08 Phụ lục I Nghị định số 23/2026/NĐ-CP",
	      "Mau06.docx; Mau08.docx");
}

/* no extension, no boundary, or too little name: left as it came */
static void test_left_alone(void **state)
{
	(void)state;
	check("Tờ khai phí theo mẫu số", "01/PH01-PH.doc", 0, "Tờ khai phí theo mẫu số", "01/PH01-PH.doc");
	check("Đơn đề nghị", "", 0, "Đơn đề nghị", "");
	check("Bản sao giấy khai sinh", "bản chính", 0, "Bản sao giấy khai sinh", "bản chính");
	check("Đơn", "x;Mau01.docx", 0, "Đơn", "x;Mau01.docx");   /* "Đơn x": too little name */
	check("Ảnh màu cỡ 4x6", "(1).doc", 0, "Ảnh màu cỡ 4x6", "(1).doc");
}

/* bytes that are not UTF-8 are carried, never read past */
static void test_bytes(void **state)
{
	(void)state;
	check("Đơn đề nghị theo quy định\xff\xfeMau", "01.docx", 1, "Đơn đề nghị theo quy định\xff\xfe", "Mau 01.docx");
	check("\xe1\xba", ".docx", 0, "\xe1\xba", ".docx");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glued_word),
		cmocka_unit_test(test_punctuation),
		cmocka_unit_test(test_several_files),
		cmocka_unit_test(test_left_alone),
		cmocka_unit_test(test_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
