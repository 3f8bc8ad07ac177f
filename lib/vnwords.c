/* vnwords.c - amounts in Vietnamese words (see vnwords.h for the rules). */
#include <string.h>

#include "vnwords.h"

static const char *const digit[10] = {
	"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
};

static void word(buf *out, const char *w)
{
	if (out->len)
		buf_putc(out, ' ');
	buf_puts(out, w);
}

/* One group 1..999; full = say zero hundreds and "linh" (it follows a
 * larger non-zero part). */
static void group(buf *out, int g, int full)
{
	int h = g / 100, t = g / 10 % 10, u = g % 10;

	if (h || full) {
		word(out, digit[h]);
		word(out, "trăm");
	}
	if (t == 0) {
		if (u && (h || full))
			word(out, "linh");
		if (u)
			word(out, digit[u]);
		return;
	}
	if (t == 1)
		word(out, "mười");
	else {
		word(out, digit[t]);
		word(out, "mươi");
	}
	if (u == 1)
		word(out, t == 1 ? "một" : "mốt");
	else if (u == 5)
		word(out, "lăm");
	else if (u)
		word(out, digit[u]);
}

/* v in 1..999 999 999 (below a tỷ) */
static void below_ty(buf *out, long long v, int full)
{
	static const char *const scale[] = {"", "nghìn", "triệu"};
	int gs[3] = {(int)(v / 1000000), (int)(v / 1000 % 1000), (int)(v % 1000)};
	int said = full;

	for (int i = 0; i < 3; i++) {
		if (!gs[i])
			continue;
		group(out, gs[i], said);
		if (i < 2)
			word(out, scale[2 - i]);
		said = 1;
	}
}

/* v >= 1: tỷ repeats, so read the part above a tỷ as a number of its own. */
static void number(buf *out, long long v, int full)
{
	const long long ty = 1000000000LL;

	if (v >= ty) {
		number(out, v / ty, full);
		word(out, "tỷ");
		if (v % ty)
			below_ty(out, v % ty, 1);
		return;
	}
	below_ty(out, v, full);
}

int vn_number_words(buf *out, long long v)
{
	if (v < 0 || v > VNWORDS_MAX)
		return -1;
	if (v == 0)
		buf_puts(out, digit[0]);
	else {
		/* word() puts a space before every word but the first of its
		 * buffer: build in a fresh one, whatever the caller's holds */
		buf tmp = BUF_INIT;
		number(&tmp, v, 0);
		buf_put(out, tmp.p, tmp.len);
		buf_free(&tmp);
	}
	return 0;
}

int vn_amount_words(buf *out, long long v)
{
	size_t start = out->len;

	if (vn_number_words(out, v) < 0)
		return -1;
	/* Every number word starts with an ASCII letter: upper-case it. */
	char *first = out->p + start;
	if (*first >= 'a' && *first <= 'z')
		*first = (char)(*first - 'a' + 'A');
	buf_puts(out, " đồng");
	return 0;
}
