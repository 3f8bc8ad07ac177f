/*
 * fuzz_csv.c - libFuzzer harness for lib/csv.c.
 *
 * Besides "never crash", it checks that every field is a NUL-free C
 * string, that rows read before an error are exactly the rows obtained
 * when they are written back out fully quoted and read again, and that
 * the end or error state is sticky.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "csv.h"

static void put_row(buf *b, char **f, size_t n)
{
	size_t i;
	const char *p;

	for (i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		buf_putc(b, '"');
		for (p = f[i]; *p; p++) {
			if (*p == '"')
				buf_putc(b, '"');
			buf_putc(b, *p);
		}
		buf_putc(b, '"');
	}
	buf_puts(b, "\r\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new(4096);
	buf out = BUF_INIT;
	csv_reader *r = csv_open(a, (const char *)data, size);
	csv_reader *r2;
	char ***rows = NULL, **f;
	size_t *lens = NULL, nrows = 0, nf, i, j;
	int rc;

	while ((rc = csv_next(r, &f, &nf)) == 1) {
		if (nf < 1 || nf > CSV_MAX_FIELDS)
			abort();
		for (i = 0; i < nf; i++)
			if (strlen(f[i]) > size)
				abort();
		rows = realloc(rows, (nrows + 1) * sizeof(*rows));
		lens = realloc(lens, (nrows + 1) * sizeof(*lens));
		if (!rows || !lens)
			abort();
		rows[nrows] = f;
		lens[nrows++] = nf;
		put_row(&out, f, nf);
	}
	if (csv_next(r, &f, &nf) != rc)
		abort();
	if (rc < 0 && strncmp(csv_error(r), "line ", 5))
		abort();

	/* Rows kept across calls must be intact; the round trip exact. */
	r2 = csv_open(a, out.p, out.len);
	for (i = 0; i < nrows; i++) {
		if (csv_next(r2, &f, &nf) != 1 || nf != lens[i])
			abort();
		for (j = 0; j < nf; j++)
			if (strcmp(f[j], rows[i][j]))
				abort();
	}
	if (csv_next(r2, &f, &nf) != 0)
		abort();

	free(rows);
	free(lens);
	buf_free(&out);
	arena_free(a);
	return 0;
}
