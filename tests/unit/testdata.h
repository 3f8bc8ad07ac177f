/*
 * testdata.h - the unit tests that read the real public data share this:
 * where it is (../shared/data from the repo root, or $PORTAL_DATA_DIR) and
 * reading a whole file.  A missing file fails the test loudly; it never
 * skips.  Include after cmocka.h.
 */
#ifndef TESTS_TESTDATA_H
#define TESTS_TESTDATA_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The data root is ../shared/data from the repo root unless overridden. */
static void data_path(char *path, size_t size, const char *name)
{
	const char *dir = getenv("PORTAL_DATA_DIR");

	if (!dir || !*dir)
		dir = "../shared/data";
	if ((size_t)snprintf(path, size, "%s/procedures/%s", dir, name) >= size)
		fail_msg("PORTAL_DATA_DIR too long");
}

/* Whole file in a malloc'd buffer; fails the test if it cannot. */
static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long len = -1;

	if (!f) {
		fail_msg("cannot open %s: %s (run the tests from the repo root "
			 "or set PORTAL_DATA_DIR to the directory that holds "
			 "procedures/)", path, strerror(errno));
		return NULL;
	}
	if (!fseek(f, 0, SEEK_END))
		len = ftell(f);
	if (len >= 0 && !fseek(f, 0, SEEK_SET)) {
		s = malloc((size_t)len + 1);
		if (s && fread(s, 1, (size_t)len, f) != (size_t)len) {
			free(s);
			s = NULL;
		}
	}
	fclose(f);
	if (!s) {
		fail_msg("cannot read %s", path);
		return NULL;
	}
	*n = (size_t)len;
	return s;
}

/* A procedure code of the national catalog: "1.001193". */
static inline int is_code(const char *c)
{
	int i;

	/* "1.001193": digit, dot, six digits */
	if (c[0] < '0' || c[0] > '9' || c[1] != '.')
		return 0;
	for (i = 2; i < 8; i++)
		if (c[i] < '0' || c[i] > '9')
			return 0;
	return c[8] == '\0';
}

#endif
