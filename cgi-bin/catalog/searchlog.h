/*
 * searchlog.h - what search learns from people, per catalog process:
 * the dictionary in use (the file, plus staff's entries from the table
 * search_synonym) and the count of queries that found nothing (the table
 * search_miss).
 *
 * Promises:
 *  - A page never waits for either table.  Misses are counted in memory
 *    and written by a background thread of the worker, on its own
 *    connection with a two-second timeout, at most every few seconds; when
 *    MariaDB is slow or away the batch is dropped, never retried from a
 *    request.  The same thread looks for staff's edits once a second and
 *    hands the rows over; the request thread builds the new dictionary
 *    between requests, so a dictionary is only ever read by one thread.
 *  - An edit made from the intranet is in effect for the next search on
 *    every worker of this host (a generation counter in memory the workers
 *    share, checked before each search), and within about a second on
 *    other hosts.
 *  - Only the words are kept of a query that found nothing: folded and as
 *    written, without runs of four or more digits (telephone, identity or
 *    dossier numbers), at most 8 words.
 */
#ifndef CATALOG_SEARCHLOG_H
#define CATALOG_SEARCHLOG_H

#include "arena.h"
#include "db.h"
#include "synonyms.h"

/* In the master, before the workers are forked: the shared counter. */
void searchlog_prefork(void);
/* In each worker: read the dictionary file, start the thread. */
void searchlog_init(const char *dict_path);

/* The dictionary for the next search (never NULL after init). */
const syn_dict *searchlog_dict(db *d);
/* Changes whenever this process takes a new dictionary: pages cached
 * before it must not be served after. */
long long searchlog_generation(void);

/* A query that found nothing. */
void searchlog_miss(const char *raw);

/* The words of a query as they are kept: fills shown and returns the
 * folded key, "" when nothing is left to keep.  Exposed for tests. */
const char *searchlog_words(arena *a, const char *raw, const char **shown);

/* Staff add or replace an entry: 0, 400 (err says why), or 503. */
int searchlog_add(db *d, const char *phrase, const char *expansion, const char *kind,
		  const char *reason, char *err, size_t errlen);

typedef struct search_miss_row {
	const char *words, *shown, *last_seen;
	long long n;
} search_miss_row;

/* The most frequent misses, most first; -1 if the database cannot say. */
/* After the transaction that added an entry committed: every worker of
 * this host reloads the dictionary before its next search. */
void searchlog_changed(void);
int searchlog_top_misses(db *d, arena *a, int max, search_miss_row **out);

#endif
