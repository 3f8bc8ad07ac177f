/* doubled.c - see doubled.h. */
#include <string.h>

#include "doubled.h"

typedef struct fold_word {
	const char *lower, *upper;
	int before_number;   /* only when a digit follows: "ngày ngày 05/02" */
} fold_word;

static const fold_word words[] = {
	{"theo", "Theo", 0},    {"tại", "Tại", 0},   {"hoặc", "Hoặc", 0}, {"và", "Và", 0},
	{"về", "Về", 0},        {"của", "Của", 0},   {"các", "Các", 0},   {"được", "Được", 0},
	{"cho", "Cho", 0},      {"với", "Với", 0},   {"để", "Để", 0},     {"đến", "Đến", 0},
	{"khi", "Khi", 0},      {"ngày", "Ngày", 1}, {"số", "Số", 1},
};

/* A byte of a word: an ASCII letter or digit, or any byte of a multi-byte
 * character (every Vietnamese letter outside ASCII is one).  Punctuation
 * written as a multi-byte character therefore counts as a word's, which
 * only ever leaves a pair unfolded. */
static int word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* The length of the first word of a foldable pair starting at p, or 0. */
static size_t pair_at(const char *p)
{
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		const fold_word *w = &words[i];
		size_t first;
		if (strncmp(p, w->lower, strlen(w->lower)) == 0)
			first = strlen(w->lower);
		else if (strncmp(p, w->upper, strlen(w->upper)) == 0)
			first = strlen(w->upper);
		else
			continue;
		size_t second = strlen(w->lower);
		const char *q = p + first;
		if (*q != ' ' || strncmp(q + 1, w->lower, second) != 0)
			continue;
		const char *after = q + 1 + second;
		if (word_byte((unsigned char)*after))
			continue;
		if (w->before_number && !(after[0] == ' ' && after[1] >= '0' && after[1] <= '9'))
			continue;
		/* "quyền sở hữu của của cải": the second begins "của cải" */
		if (strcmp(w->lower, "của") == 0 && strncmp(after, " cải", strlen(" cải")) == 0 &&
		    !word_byte((unsigned char)after[strlen(" cải")]))
			continue;
		return first;
	}
	return 0;
}

size_t undouble_words(char *s)
{
	size_t folded = 0;
	char *w = s;
	const char *p = s;
	unsigned char prev = ' ';   /* the byte before p in the output */
	while (*p) {
		size_t first = word_byte(prev) ? 0 : pair_at(p);
		if (first) {
			/* keep the first (its capital), drop the space and the second */
			memmove(w, p, first);
			w += first;
			prev = (unsigned char)p[first - 1];
			p += first + 1;
			/* the second word: pair_at saw a non-word byte right after it */
			while (word_byte((unsigned char)*p))
				p++;
			folded++;
			continue;
		}
		prev = (unsigned char)*p;
		*w++ = *p++;
	}
	*w = '\0';
	return folded;
}
