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
 *
 * Unless the query asks for the literal words (exact), it is first read
 * the way people mean it, into "concepts", each with alternatives:
 *  - phrases of the dictionary (synonyms.h) become the catalog's words:
 *    "sổ đỏ" -> giấy chứng nhận quyền sử dụng đất; abbreviations and form
 *    codes are expanded; filler and question words ("thủ tục", "làm",
 *    "ở đâu", "như thế nào") become optional and weigh almost nothing;
 *  - a word the catalog does not hold is read as the slip of the keyboard
 *    it most likely is (a doubled or dropped letter, "dd" for đ, telex
 *    leftovers, n/ng, i/y, s/x, tr/ch, d/gi/r), and a rare word whose
 *    look-alike is far more common gets the look-alike as an alternative;
 *    a match through a correction ranks below an exact one of its tier.
 * The tiers above then count concepts, not words: a concept is in the
 * name when one of its alternatives is whole in it.  All the words as
 * typed in the name still rank first.  Within tiers 1-3 a score orders:
 * each concept weighs the rarity of its words (BM25's idf), a word in the
 * name counts twice what it counts in the body, so the words that tell
 * procedures apart outweigh those every name shares.
 */
#ifndef CATALOG_SEARCH_H
#define CATALOG_SEARCH_H

#include "arena.h"
#include "catalog.h"
#include "synonyms.h"

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
	const struct syn_dict *dict;  /* NULL: no dictionary */
	int exact;              /* 1: the words as typed, nothing rewritten */
} search_query;

typedef struct search_result {
	int total;              /* how many match */
	int n;                  /* how many in procs[] (this page) */
	int *procs;             /* indexes into catalog.procs */
	int *tiers;             /* rank tier of each, see above */
	int ntokens;
	const char *tokens[SEARCH_MAX_TOKENS];
	int token_hits[SEARCH_MAX_TOKENS];  /* procedures holding each word */
	const char *understood; /* the query as read, when it was read otherwise
				 * than typed (dictionary, correction); else NULL */
	int no_words;           /* typed something, but no letter or digit */
	int corrected;          /* a slip of the keyboard was corrected */
} search_result;

void search_run(const catalog *c, const search_query *q, arena *a, search_result *out);

/* A name folded clause by clause, the clauses joined by " | ":
 * "Đăng ký khai sinh, đăng ký thường trú" ->
 * "dang ky khai sinh | dang ky thuong tru". */
const char *search_fold_phrases(arena *a, const char *name, int *len);

#endif
