/*
 * fuzz_synonyms.c - libFuzzer harness for the search dictionary loader
 * (cgi-bin/catalog/synonyms.c).
 *
 * The file is in the repository, but staff's entries come from a web form
 * and both go through syn_parse/syn_add; on arbitrary bytes:
 *  - the parser never reads past n (exact-size copy, no NUL after it),
 *  - every entry it keeps has a folded key of 1..SYN_MAX_WORDS words of
 *    [a-z0-9] and finds itself through syn_match,
 *  - a filler has no alternatives, any other entry at least one,
 *  - the refused-lines count and the first error agree.
 * The catalog's source is compiled in, since run.sh links lib/ only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../cgi-bin/catalog/synonyms.c"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size);
	if (!in)
		return 0;
	syn_dict *d = syn_new();
	char err[200];
	int bad = syn_parse(d, in, size, err, sizeof err);
	CHECK(bad >= 0);
	CHECK((bad == 0) == (err[0] == '\0'));
	for (int i = 0; i < syn_count(d); i++) {
		const syn_entry *e = syn_at(d, i);
		CHECK(e->nwords >= 1 && e->nwords <= SYN_MAX_WORDS);
		CHECK(e->key[0] && e->key[0] != ' ');
		const char *words[SYN_MAX_WORDS];
		char *copy = strdup(e->key);
		CHECK(copy);
		int n = 0;
		for (char *s = NULL, *t = strtok_r(copy, " ", &s); t; t = strtok_r(NULL, " ", &s)) {
			for (const char *c = t; *c; c++)
				CHECK((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9'));
			CHECK(n < SYN_MAX_WORDS);
			words[n++] = t;
		}
		CHECK(n == e->nwords);
		int used;
		const syn_entry *m = syn_match(d, words, n, &used);
		CHECK(m && used == n && strcmp(m->key, e->key) == 0);
		CHECK(e->kind == SYN_FILLER ? e->nalts == 0 : e->nalts >= 1);
		free(copy);
	}
	syn_free(d);
	free(in);
	return 0;
}
