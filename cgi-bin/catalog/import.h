/*
 * import.h - the catalog importer (`catalog-import`, run by `make import`
 * and `make run`): loads the public data of ../shared/data into MariaDB.
 *
 * Re-runnable: every row is matched by its natural key (GSO code, agency
 * code, procedure code), so running it again on the same files changes
 * nothing, and on updated files changes only what changed.  The whole
 * import is one transaction: a failure leaves the catalog as it was.  It
 * prints, per kind, how many rows it added, changed and left unchanged.
 */
#ifndef CATALOG_IMPORT_H
#define CATALOG_IMPORT_H

#include <stddef.h>

#include "arena.h"
#include "db.h"

typedef struct tally {
	const char *what;
	long added, changed, unchanged, skipped;
	const char *skipped_as;   /* what "skipped" means for this kind */
} tally;

typedef struct importer {
	db *d;
	arena *a;
	const char *data_dir;
	const char *seed_dir;
	const char *home_province;
	tally provinces, communes, agencies, fields, procedures;
	long not_in_files;   /* procedures in the database but not in the files */
} importer;

/* Read a whole file (gunzipped when it ends in .gz) into the arena. */
char *read_file(arena *a, const char *path, size_t *len);

/*
 * Every error names the file and the line, and says what is wrong: the
 * importer fails whole rather than guess, so the message is all a person
 * has to mend the file with.  These print "import: FILE line N: ..." to
 * stderr and return -1.
 */
int row_error(const char *path, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The database refused a row: a value that does not fit its column says
 * "column C: too long" (column = the file's name for it when given, else
 * the database's), anything else the database's own words.  what names
 * the row ("procedure 1.001193"), or NULL. */
int row_db_error(importer *im, const char *path, size_t line, const char *what,
		 const char *column);
/* A CSV file must end with a line end: one that does not was cut off,
 * and its last row may be too (a cut at a field boundary reads as a
 * shorter but well-formed row).  last_line: the line of the last row. */
int check_whole(const char *path, const char *text, size_t len, size_t last_line);
/* Count one INSERT ... ON DUPLICATE KEY UPDATE by its affected rows. */
void tally_upsert(tally *t, long long affected);

int import_units(importer *im);       /* provinces, communes, agencies */
int import_procedures(importer *im);  /* fields, procedures and details */

#endif
