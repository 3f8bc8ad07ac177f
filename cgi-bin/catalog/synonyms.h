/*
 * synonyms.h - the words people use, mapped to the words of the catalog.
 *
 * People name the paper they hold ("sổ đỏ"), the thing that happened
 * ("đổi tên cho con"), an abbreviation ("cccd", "đkkd", "CT01") or wrap it
 * all in a question ("cho tôi hỏi … ở đâu").  The dictionary says, phrase by
 * phrase, what the catalog calls it.  It is data: a file in the repository
 * (cgi-bin/catalog/data/synonyms.tsv, one entry a line, each with its
 * reason) and the table search_synonym, where staff add entries from the
 * intranet; a table entry overrides a file entry with the same phrase.
 *
 * A line of the file, tab-separated:
 *     phrase <TAB> expansion <TAB> kind <TAB> reason
 *   phrase     what people type, with or without marks (matched folded,
 *              1 to SYN_MAX_WORDS words)
 *   expansion  the catalog's words, with marks; alternatives separated by
 *              " | " (any one of them is the meaning); empty for filler
 *   kind       "tu" an everyday word or phrase, "viettat" an abbreviation
 *              or a form's code (the phrase may also be in names as is),
 *              "hutu" filler or question words (expansion empty): they
 *              never decide the ranking
 *   reason     why the mapping holds, or where people write it so
 * Blank lines and lines starting with '#' are skipped.
 *
 * Promises: the parser takes any bytes (fuzzed: tests/fuzz/fuzz_synonyms.c)
 * and never reads past n; a bad line is skipped and counted, with the first
 * error kept as "dòng N: why".  A dictionary is built once and read only.
 */
#ifndef CATALOG_SYNONYMS_H
#define CATALOG_SYNONYMS_H

#include <stddef.h>

#define SYN_MAX_WORDS 8
#define SYN_MAX_ALTS 6
#define SYN_MAX_PHRASE 100      /* bytes, as typed */
#define SYN_MAX_EXPANSION 400
#define SYN_MAX_REASON 300

enum { SYN_WORD = 0, SYN_ABBR = 1, SYN_FILLER = 2 };

typedef struct syn_entry {
	const char *key;        /* folded phrase: "so hong" */
	int nwords;
	int kind;               /* SYN_* */
	const char *phrase;     /* as written in the dictionary */
	const char *expansion;  /* as written, "" for filler */
	int nalts;
	const char *alts[SYN_MAX_ALTS];   /* folded alternatives */
	const char *shown[SYN_MAX_ALTS];  /* the same with their marks */
	const char *reason;
	int from_db;
} syn_entry;

typedef struct syn_dict syn_dict;

syn_dict *syn_new(void);
void syn_free(syn_dict *d);

/* Add or replace one entry; 0, or -1 with a Vietnamese reason in err. */
int syn_add(syn_dict *d, const char *phrase, const char *expansion, const char *kind,
	    const char *reason, int from_db, char *err, size_t errlen);

/* Parse the text of a dictionary file into d.  Returns how many lines
 * were refused (0 = all good); the first refusal is in err. */
int syn_parse(syn_dict *d, const char *text, size_t n, char *err, size_t errlen);

/* The longest entry matching words[0..k) for some k <= nwords; its
 * length in *used.  NULL (and *used = 0) when none does. */
const syn_entry *syn_match(const syn_dict *d, const char *const *words, int nwords, int *used);

int syn_count(const syn_dict *d);
/* Entry i, 0 <= i < syn_count, in the order added (for listings). */
const syn_entry *syn_at(const syn_dict *d, int i);

/* The kind as written in the file, for listings: "tu", "viettat", "hutu". */
const char *syn_kind_name(int kind);

#endif
