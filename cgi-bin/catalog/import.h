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
/* Count one INSERT ... ON DUPLICATE KEY UPDATE by its affected rows. */
void tally_upsert(tally *t, long long affected);

int import_units(importer *im);       /* provinces, communes, agencies */
int import_procedures(importer *im);  /* fields, procedures and details */

#endif
