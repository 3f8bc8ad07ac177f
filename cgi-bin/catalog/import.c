/* import.c - catalog-import's main: options, one transaction, the report. */
#include "import.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "conf.h"

char *read_file(arena *a, const char *path, size_t *len)
{
	gzFile f = gzopen(path, "rb");  /* reads plain files as they are */
	if (!f) {
		fprintf(stderr, "import: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 20, n = 0;
	char *p = malloc(cap);
	for (;;) {
		if (!p)
			abort();
		if (cap - n < (1 << 16)) {
			cap *= 2;
			p = realloc(p, cap);
			continue;
		}
		int k = gzread(f, p + n, (unsigned)(cap - n - 1));
		if (k < 0) {
			int e;
			fprintf(stderr, "import: reading %s: %s\n", path, gzerror(f, &e));
			gzclose(f);
			free(p);
			return NULL;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	gzclose(f);
	char *out = arena_strndup(a, p, n);
	free(p);
	*len = n;
	return out;
}

int row_error(const char *path, size_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "import: %s line %zu: ", path, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return -1;
}

/* The database's columns that the files call otherwise. */
static const struct { const char *db, *file; } column_names[] = {
	{"time_text", "processing_time"},
	{"fee_text", "fee_summary"},
};

int row_db_error(importer *im, const char *path, size_t line, const char *what,
		 const char *column)
{
	const char *msg = db_error(im->d);
	const char *too_long = strstr(msg, "Data too long for column '");
	char col[64] = "";
	if (too_long) {
		const char *c = too_long + strlen("Data too long for column '");
		size_t n = strcspn(c, "'");
		snprintf(col, sizeof col, "%.*s", (int)n, c);
		for (size_t i = 0; i < sizeof column_names / sizeof column_names[0]; i++)
			if (strcmp(col, column_names[i].db) == 0)
				snprintf(col, sizeof col, "%s", column_names[i].file);
		if (column)
			snprintf(col, sizeof col, "%s", column);
		return row_error(path, line, "%s%scolumn %s: too long for the database",
				 what ? what : "", what ? ", " : "", col);
	}
	return row_error(path, line, "%s%s%s", what ? what : "", what ? ": " : "",
			 *msg ? msg : "the database refused it");
}

int check_whole(const char *path, const char *text, size_t len, size_t last_line)
{
	if (len && text[len - 1] == '\n')
		return 0;
	return row_error(path, last_line, "the file ends in the middle of this line: cut off?");
}

void tally_upsert(tally *t, long long affected)
{
	/* MariaDB: 1 = inserted, 2 = updated, 0 = the same values again. */
	if (affected == 1)
		t->added++;
	else if (affected == 2)
		t->changed++;
	else if (affected == 0)
		t->unchanged++;
}

static void report(const tally *t)
{
	printf("  %-12s %6ld added, %6ld changed, %6ld unchanged", t->what,
	       t->added, t->changed, t->unchanged);
	if (t->skipped)
		printf(", %ld %s", t->skipped, t->skipped_as ? t->skipped_as : "skipped");
	printf("\n");
}

static long changes(const importer *im)
{
	const tally *all[] = {&im->provinces, &im->communes, &im->agencies,
			      &im->fields, &im->procedures};
	long n = 0;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		n += all[i]->added + all[i]->changed;
	return n + im->agencies.skipped;  /* retired agencies change pages too */
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, NULL, 'd'},
		{"seed", required_argument, NULL, 's'},
		{"home-province", required_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};
	importer im = {
		.data_dir = conf_str("PORTAL_DATA_DIR", "../shared/data"),
		.seed_dir = "sql/data",
		.home_province = conf_str("PORTAL_HOME_PROVINCE", "01"),
		.provinces = {.what = "provinces"},
		.communes = {.what = "communes"},
		.agencies = {.what = "agencies", .skipped_as = "retired"},
		.fields = {.what = "fields"},
		.procedures = {.what = "procedures"},
	};
	int c;
	while ((c = getopt_long(argc, argv, "d:s:p:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': im.data_dir = optarg; break;
		case 's': im.seed_dir = optarg; break;
		case 'p': im.home_province = optarg; break;
		default:
			fprintf(stderr, "usage: %s [--data DIR] [--seed DIR] [--home-province CODE]\n", argv[0]);
			return 64;
		}
	}
	/* Progress on stdout and errors on stderr come out in the order
	 * they happen, also through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	im.a = arena_new(1 << 20);
	im.d = db_open();
	if (!db_connected(im.d)) {
		fprintf(stderr, "import: no database: %s\n", db_error(im.d));
		return 1;
	}
	printf("import: loading %s\n", im.data_dir);
	if (db_begin(im.d) < 0) {
		fprintf(stderr, "import: failed, nothing changed: %s\n", db_error(im.d));
		return 1;
	}
	/* Each step has said what went wrong, with the file and line. */
	if (import_units(&im) < 0 || import_procedures(&im) < 0) {
		fprintf(stderr, "import: failed, nothing changed\n");
		db_rollback(im.d);
		return 1;
	}
	if (changes(&im)) {
		db_stmt *v = db_prepare(im.d,
			"UPDATE catalog_meta SET v = CAST(v AS UNSIGNED) + 1 WHERE k = 'version'");
		if (db_exec(v, "") < 0) {
			fprintf(stderr, "import: failed, nothing changed: %s\n", db_error(im.d));
			db_rollback(im.d);
			return 1;
		}
	}
	if (db_commit(im.d) < 0) {
		fprintf(stderr, "import: commit failed, nothing changed: %s\n", db_error(im.d));
		return 1;
	}
	report(&im.provinces);
	report(&im.communes);
	report(&im.agencies);
	report(&im.fields);
	report(&im.procedures);
	if (im.not_in_files)
		printf("  %ld procedures in the database are not in the files (kept)\n", im.not_in_files);
	printf("import: done, %s\n", changes(&im) ? "catalog updated" : "nothing changed");
	db_close(im.d);
	arena_free(im.a);
	return 0;
}
