/*
 * fuzz_path.c - libFuzzer harness for path_split (lib/url.c).
 *
 * Invariants checked on arbitrary bytes:
 *  - an accepted path starts with '/', has at most max_segs segments, and
 *    every segment is a non-empty, NUL-free, valid UTF-8 C string that is
 *    never "." or ".." and never contains '/';
 *  - the trailing-slash flag is set only with at least one segment and
 *    only when the input ends in '/';
 *  - joining the segments again with url_encode (and the trailing slash)
 *    splits to the same segments and flag;
 *  - any error is one of the documented codes, with no segments returned.
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-Ilib lib/arena.c lib/buf.c lib/url.c lib/vntext.c \
 *	tests/fuzz/fuzz_path.c -o /tmp/fuzz_path
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "url.h"
#include "vntext.h"
#include "fuzz.h"


#define MAX_SEGS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = fuzz_arena();
	char **segs, **segs2, *in;
	size_t n, n2;
	int ts, ts2, rc;

	in = fuzz_copy(data, size);
	if (!in)
		return 0;
	rc = path_split(a, in, size, MAX_SEGS, &segs, &n, &ts);
	free(in);
	if (rc != URL_OK) {
		CHECK(rc == URL_BAD_PATH || rc == URL_BAD_ESCAPE ||
		      rc == URL_BAD_UTF8 || rc == URL_TOO_LONG);
		CHECK(segs == NULL && n == 0);
		return 0;
	}
	CHECK(size > 0 && data[0] == '/');
	CHECK(n <= MAX_SEGS);
	CHECK(ts == 0 || ts == 1);
	if (ts)
		CHECK(n > 0 && data[size - 1] == '/');

	size_t cap = 2;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(segs[i]);

		CHECK(len > 0);
		CHECK(utf8_valid(segs[i], len));
		CHECK(!strchr(segs[i], '/'));
		CHECK(strcmp(segs[i], ".") != 0 && strcmp(segs[i], "..") != 0);
		cap += 3 * len + 1;
	}

	/* split(join(encode(segs))) == segs */
	char *p, *path = arena_alloc(a, cap);

	p = path;
	*p++ = '/';
	for (size_t i = 0; i < n; i++) {
		const char *e = url_encode(a, segs[i]);

		if (i)
			*p++ = '/';
		memcpy(p, e, strlen(e));
		p += strlen(e);
	}
	if (ts)
		*p++ = '/';
	*p = '\0';
	CHECK(path_split(a, path, (size_t)(p - path), MAX_SEGS, &segs2, &n2,
			 &ts2) == URL_OK);
	CHECK(n2 == n && ts2 == ts);
	for (size_t i = 0; i < n; i++)
		CHECK(strcmp(segs[i], segs2[i]) == 0);
	return 0;
}
