/*
 * fuzz_docname.c - libFuzzer harness for doc_split
 * (cgi-bin/catalog/docname.c, included whole: it is the catalog's).
 *
 * The input is a document's name and its templates, split at the first
 * 0x1f byte (no 0x1f: all name).  Invariants:
 *  - it never reads or writes out of bounds (ASan);
 *  - when it leaves them, the outputs are the inputs;
 *  - when it cuts, the name is a prefix of name + " " + templates of at
 *    least 8 bytes not ending in a space, '.', ';' or ':', the templates
 *    hold an extension, and with valid UTF-8 in, both are valid UTF-8
 *    (the cut falls between characters).
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-Ilib -Icgi-bin/catalog tests/fuzz/fuzz_docname.c lib/arena.c lib/vntext.c lib/buf.c -o /tmp/fuzz_docname
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../cgi-bin/catalog/docname.c"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = fuzz_arena();
	char *name = arena_alloc(a, size + 1);
	memcpy(name, data, size);
	name[size] = '\0';
	size_t nlen = strlen(name);   /* up to a NUL, as a database string */
	char *sep = memchr(name, 0x1f, nlen);
	const char *templates = "";
	if (sep) {
		*sep = '\0';
		templates = sep + 1;
		nlen = (size_t)(sep - name);
	}
	const char *n, *t;
	int cut = doc_split(a, name, templates, &n, &t);
	if (!cut) {
		CHECK(n == name && t == templates);
		return 0;
	}
	const char *full = arena_printf(a, "%s %s", name, templates);
	size_t k = strlen(n);
	CHECK(k >= 8 && strncmp(full, n, k) == 0);
	CHECK(!strchr(" .;:", n[k - 1]));
	CHECK(strstr(t, ".") != NULL);
	if (utf8_valid(full, strlen(full)))
		CHECK(utf8_valid(n, k) && utf8_valid(t, strlen(t)));
	(void)nlen;
	return 0;
}
