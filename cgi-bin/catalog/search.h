/*
 * search.h - finding procedures the way people type.
 *
 * Queries and texts are folded (vn_fold: no diacritics, lower case), so
 * "dang ky khai sinh", "ĐĂNG KÝ KHAI SINH" and "khai sinh đăng ký" find the
 * same procedures.  An inverted index maps each folded word to the
 * procedures whose name or body (field, documents, results, agencies, ...)
 * holds it.  Ranking, best first:
 *   0. the query's words, in order, as a phrase in the name (a code typed
 *      in full counts here too);
 *   1. all the words in the name, in any order;
 *   2. all the words in name and body together;
 *   3. some of the words: more of them first, those in the name first.
 * Ties go to the shorter name, then to alphabetical order.  Only the page
 * asked for is sorted (a bounded heap), so a query costs a pass over the
 * posting lists of its words.
 */
#ifndef CATALOG_SEARCH_H
#define CATALOG_SEARCH_H

#include "arena.h"
#include "catalog.h"

#define SEARCH_MAX_TOKENS 12

typedef struct search_index search_index;

search_index *search_build(const catalog *c);
void search_free(search_index *idx);

typedef struct search_query {
	const char *q;          /* as typed; NULL or "" lists everything */
	int field;              /* index into catalog.fields, -1 any */
	unsigned level;         /* one LV_* bit, 0 any */
	int online;             /* ONLINE_*, -1 any */
	int fee;                /* FEES_FREE or FEES_FEE, -1 any */
	const char *ministry;   /* publishing ministry, NULL any */
	int offset, limit;
} search_query;

typedef struct search_result {
	int total;              /* how many match */
	int n;                  /* how many in procs[] (this page) */
	int *procs;             /* indexes into catalog.procs */
	int *tiers;             /* rank tier of each, see above */
	int ntokens;
	const char *tokens[SEARCH_MAX_TOKENS];
	int token_hits[SEARCH_MAX_TOKENS];  /* procedures holding each word */
} search_result;

void search_run(const catalog *c, const search_query *q, arena *a, search_result *out);

/* A name folded clause by clause, the clauses joined by " | ":
 * "Đăng ký khai sinh, đăng ký thường trú" ->
 * "dang ky khai sinh | dang ky thuong tru". */
const char *search_fold_phrases(arena *a, const char *name, int *len);

#endif
