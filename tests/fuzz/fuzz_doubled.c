/*
 * fuzz_doubled.c - libFuzzer harness for undouble_words
 * (cgi-bin/catalog/doubled.c, included whole: it is the catalog's).
 *
 * The input is one text, up to its first NUL (as the import's strings).
 * Invariants:
 *  - it never reads or writes out of bounds (ASan);
 *  - the text only shrinks, by at least 3 bytes (" và") per fold, and
 *    nothing is folded exactly when nothing changed;
 *  - every fold removes a space and a word: the output is the input with
 *    some bytes taken out, in order (a subsequence);
 *  - valid UTF-8 in gives valid UTF-8 out.
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-Ilib tests/fuzz/fuzz_doubled.c lib/vntext.c lib/buf.c lib/arena.c -o /tmp/fuzz_doubled
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../cgi-bin/catalog/doubled.c"
#include "fuzz.h"
#include "vntext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *s = malloc(size + 1);
	if (!in || !s) {
		free(in);
		free(s);
		return 0;
	}
	memcpy(in, data, size);
	in[size] = '\0';
	size_t len = strlen(in);
	memcpy(s, in, len + 1);
	size_t folds = undouble_words(s);
	size_t out = strlen(s);
	CHECK(out <= len);
	CHECK(len - out >= 3 * folds);
	CHECK((folds == 0) == (out == len));
	size_t j = 0;
	for (size_t i = 0; i < len && j < out; i++)
		if (in[i] == s[j])
			j++;
	CHECK(j == out);
	if (utf8_valid(in, len))
		CHECK(utf8_valid(s, out));
	free(in);
	free(s);
	return 0;
}
