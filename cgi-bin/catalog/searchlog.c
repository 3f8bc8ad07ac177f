/* searchlog.c - see searchlog.h */
#include "searchlog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "buf.h"
#include "vntext.h"

#define MISS_SLOTS 256          /* distinct misses held between flushes */
#define MISS_MAX 200            /* bytes of a kept query */
#define FLUSH_EVERY 5.0         /* seconds */
#define POLL_EVERY 1.0
#define BG_TIMEOUT 2            /* seconds, connect/read/write */

typedef struct miss {
	char words[MISS_MAX + 1], shown[MISS_MAX + 1];
	long long n;
} miss;

typedef struct row {
	char *phrase, *expansion, *kind, *reason;
} row;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
/* under mu: */
static miss misses[MISS_SLOTS];
static int nmisses;
static row *handed;             /* rows from the thread, not yet taken */
static int nhanded;
static int have_handed;

/* request thread only: */
static char *file_text;
static size_t file_len;
static syn_dict *dict;
static long long generation;
static long long seen_shared;
static volatile long long *shared_gen;  /* bumped by any worker of this host on an edit */

/* Statements are declared once per connection (db.h keeps at most 64). */
typedef struct stmts {
	db *d;
	db_stmt *rows, *version, *flush, *add, *top;
} stmts;
static stmts fg_stmts, bg_stmts;   /* request thread, background thread */

static stmts *prepared(stmts *S, db *d)
{
	if (S->d == d)
		return S;
	S->d = d;
	S->rows = db_prepare(d, "SELECT phrase, expansion, kind, reason FROM search_synonym ORDER BY id");
	S->version = db_prepare(d, "SELECT COUNT(*), COALESCE(MAX(updated_at), '') FROM search_synonym");
	S->flush = db_prepare(d,
		"INSERT INTO search_miss (words, shown, n, first_seen, last_seen)"
		" VALUES (?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())"
		" ON DUPLICATE KEY UPDATE n = n + VALUES(n), shown = VALUES(shown),"
		" last_seen = UTC_TIMESTAMP()");
	S->add = db_prepare(d,
		"INSERT INTO search_synonym (phrase_key, phrase, expansion, kind, reason,"
		" created_at, updated_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))"
		" ON DUPLICATE KEY UPDATE phrase = VALUES(phrase), expansion = VALUES(expansion),"
		" kind = VALUES(kind), reason = VALUES(reason), updated_at = UTC_TIMESTAMP(6)");
	S->top = db_prepare(d,
		"SELECT words, shown, n, DATE_FORMAT(CONVERT_TZ(last_seen, '+00:00', '+07:00'),"
		" '%d/%m/%Y %H:%i') FROM search_miss ORDER BY n DESC, last_seen DESC LIMIT ?");
	return S;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void searchlog_prefork(void)
{
	void *p = mmap(NULL, sizeof(long long), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		shared_gen = p;
}

static long long shared_now(void)
{
	return shared_gen ? __atomic_load_n(shared_gen, __ATOMIC_ACQUIRE) : 0;
}

/* The file's entries, then the table's over them. */
static void rebuild(const row *rows, int n)
{
	syn_dict *d = syn_new();
	char err[200];
	int bad = syn_parse(d, file_text ? file_text : "", file_len, err, sizeof err);
	if (bad)
		fprintf(stderr, "search: dictionary file: %d lines refused, first %s\n", bad, err);
	for (int i = 0; i < n; i++)
		if (syn_add(d, rows[i].phrase, rows[i].expansion, rows[i].kind, rows[i].reason, 1,
			    err, sizeof err) < 0)
			fprintf(stderr, "search: dictionary entry \"%s\" refused: %s\n", rows[i].phrase, err);
	syn_free(dict);
	dict = d;
	generation++;
}

static void free_rows(row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		free(rows[i].phrase);
		free(rows[i].expansion);
		free(rows[i].kind);
		free(rows[i].reason);
	}
	free(rows);
}

static char *col(db_stmt *s, int i)
{
	const char *v = db_col(s, i, NULL);
	char *c = strdup(v ? v : "");
	if (!c)
		abort();
	return c;
}

/* All of staff's entries; -1 if the database cannot answer. */
static int fetch_rows(stmts *S, row **out, int *nout)
{
	db_stmt *s = S->rows;
	if (db_query(s, "") < 0)
		return -1;
	int cap = 16, n = 0, rc;
	row *rows = malloc((size_t)cap * sizeof *rows);
	if (!rows)
		abort();
	while ((rc = db_fetch(s)) == 1) {
		if (n == cap) {
			cap *= 2;
			rows = realloc(rows, (size_t)cap * sizeof *rows);
			if (!rows)
				abort();
		}
		rows[n].phrase = col(s, 0);
		rows[n].expansion = col(s, 1);
		rows[n].kind = col(s, 2);
		rows[n].reason = col(s, 3);
		n++;
	}
	if (rc < 0) {
		free_rows(rows, n);
		return -1;
	}
	*out = rows;
	*nout = n;
	return 0;
}

/* What changes when staff edit: how many entries and the last change. */
static int table_version(stmts *S, char *out, size_t n)
{
	db_stmt *s = S->version;
	if (db_query(s, "") < 0)
		return -1;
	int rc, got = 0;
	while ((rc = db_fetch(s)) == 1) {
		const char *c = db_col(s, 0, NULL), *m = db_col(s, 1, NULL);
		snprintf(out, n, "%s/%s", c ? c : "", m ? m : "");
		got = 1;
	}
	return rc < 0 || !got ? -1 : 0;
}

/* Count one miss n more times; under mu.  0, or -1 when every slot is
 * taken (dropped: a page never waits for the count). */
static int count_miss(const char *key, const char *shown, long long n)
{
	int i;
	for (i = 0; i < nmisses; i++)
		if (strcmp(misses[i].words, key) == 0)
			break;
	if (i < nmisses) {
		misses[i].n += n;
		return 0;
	}
	if (nmisses == MISS_SLOTS)
		return -1;
	snprintf(misses[nmisses].words, sizeof misses[0].words, "%s", key);
	snprintf(misses[nmisses].shown, sizeof misses[0].shown, "%s", shown);
	misses[nmisses].n = n;
	nmisses++;
	return 0;
}

/* Write the batch; what could not be written (the database away, or too
 * slow to answer a connect on a loaded machine) goes back to be counted
 * at the next flush, as far as the slots allow. */
static int flush(stmts *S, miss *batch, int n)
{
	db *d = S->d;
	db_stmt *s = S->flush;
	int i = 0;
	while (i < n && db_exec(s, "ssi", batch[i].words, batch[i].shown, batch[i].n) >= 0)
		i++;
	if (i == n)
		return 0;
	int lost = 0;
	pthread_mutex_lock(&mu);
	for (int k = i; k < n; k++)
		lost += count_miss(batch[k].words, batch[k].shown, batch[k].n) < 0;
	pthread_mutex_unlock(&mu);
	fprintf(stderr, "search: %d missed queries not counted yet (%d dropped): %s\n", n - i, lost,
		db_error(d));
	return -1;
}

static void *background(void *arg)
{
	(void)arg;
	stmts *S = prepared(&bg_stmts, db_open_timeout(BG_TIMEOUT));
	char version[96] = "", now[96];
	double last_flush = mono(), last_poll = 0;
	int failed = 0;         /* the last flush: wait the whole period before the next */
	miss *batch = malloc(sizeof misses);
	if (!batch)
		abort();
	for (;;) {
		pthread_mutex_lock(&mu);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&wake, &mu, &until);
		int n = 0;
		double t = mono();
		if (nmisses && (t - last_flush >= FLUSH_EVERY || (!failed && nmisses > MISS_SLOTS / 2))) {
			n = nmisses;
			memcpy(batch, misses, (size_t)n * sizeof *batch);
			nmisses = 0;
			last_flush = t;
		}
		pthread_mutex_unlock(&mu);
		if (n)
			failed = flush(S, batch, n) < 0;
		if (t - last_poll < POLL_EVERY)
			continue;
		last_poll = t;
		if (table_version(S, now, sizeof now) < 0 || strcmp(now, version) == 0)
			continue;
		row *rows = NULL;
		int nrows = 0;
		if (fetch_rows(S, &rows, &nrows) < 0)
			continue;
		snprintf(version, sizeof version, "%s", now);
		pthread_mutex_lock(&mu);
		if (have_handed)
			free_rows(handed, nhanded);
		handed = rows;
		nhanded = nrows;
		have_handed = 1;
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

void searchlog_init(const char *path)
{
	FILE *f = path ? fopen(path, "rb") : NULL;
	if (f) {
		buf b = BUF_INIT;
		char chunk[8192];
		size_t k;
		while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_put(&b, chunk, k);
		fclose(f);
		file_text = malloc(b.len + 1);
		if (!file_text)
			abort();
		memcpy(file_text, b.p ? b.p : "", b.len);
		file_text[b.len] = '\0';
		file_len = b.len;
		buf_free(&b);
	} else {
		fprintf(stderr, "search: no dictionary file at %s: searching without it\n",
			path ? path : "(unset)");
	}
	rebuild(NULL, 0);
	fprintf(stderr, "search: dictionary of %d entries\n", syn_count(dict));
	seen_shared = shared_now();
	pthread_t th;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &at, background, NULL) != 0)
		fprintf(stderr, "search: no background thread: misses will not be counted\n");
	pthread_attr_destroy(&at);
}

const syn_dict *searchlog_dict(db *d)
{
	long long sg = shared_now();
	if (sg != seen_shared) {
		/* An edit on this host: read it now, so the next search has it. */
		row *rows;
		int n;
		if (fetch_rows(prepared(&fg_stmts, d), &rows, &n) == 0) {
			seen_shared = sg;
			rebuild(rows, n);
			free_rows(rows, n);
			return dict;
		}
	}
	pthread_mutex_lock(&mu);
	row *rows = handed;
	int n = nhanded, take = have_handed;
	handed = NULL;
	nhanded = 0;
	have_handed = 0;
	pthread_mutex_unlock(&mu);
	if (take) {
		rebuild(rows, n);
		free_rows(rows, n);
	}
	return dict;
}

long long searchlog_generation(void)
{
	return generation;
}

static int digits_run(const char *s)
{
	int run = 0;
	for (; *s; s++) {
		run = *s >= '0' && *s <= '9' ? run + 1 : 0;
		if (run >= 4)
			return 1;
	}
	return 0;
}

const char *searchlog_words(arena *a, const char *raw, const char **shown)
{
	size_t n = strlen(raw);
	char *low = arena_alloc(a, n + 1);
	vn_lower(raw, n, low);
	buf keep = BUF_INIT;
	int words = 0;
	for (char *save = NULL, *w = strtok_r(low, " \t\r\n", &save); w && words < 8;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		size_t wl = strlen(w);
		char *f = arena_alloc(a, wl + 1);
		if (vn_fold(w, wl, f) == 0 || digits_run(f))
			continue;
		if (keep.len + wl + 1 > MISS_MAX)
			break;
		buf_printf(&keep, "%s%s", keep.len ? " " : "", w);
		words++;
	}
	const char *s = keep.len ? arena_strndup(a, keep.p, keep.len) : "";
	buf_free(&keep);
	char *key = arena_alloc(a, strlen(s) + 1);
	vn_fold(s, strlen(s), key);
	*shown = s;
	return key;
}

void searchlog_miss(const char *raw)
{
	arena *a = arena_new(1024);
	const char *shown;
	const char *key = searchlog_words(a, raw, &shown);
	if (*key && strlen(key) <= MISS_MAX && strlen(shown) <= MISS_MAX) {
		pthread_mutex_lock(&mu);
		count_miss(key, shown, 1);
		pthread_mutex_unlock(&mu);
	}
	arena_free(a);
}

int searchlog_add(db *d, const char *phrase, const char *expansion, const char *kind,
		  const char *reason, char *err, size_t errlen)
{
	/* The same rules as a line of the file. */
	syn_dict *check = syn_new();
	int bad = syn_add(check, phrase, expansion, kind, reason, 1, err, errlen);
	const char *key = bad ? NULL : syn_at(check, 0)->key;
	int st = 400;
	if (!bad) {
		db_stmt *s = prepared(&fg_stmts, d)->add;
		if (db_exec(s, "sssss", key, phrase, expansion, kind, reason) < 0) {
			snprintf(err, errlen, "chưa lưu được: cơ sở dữ liệu không trả lời");
			st = 503;
		} else {
			st = 0;
		}
	}
	syn_free(check);
	return st;
}

void searchlog_changed(void)
{
	if (shared_gen)
		__atomic_add_fetch(shared_gen, 1, __ATOMIC_RELEASE);
	else
		seen_shared--;  /* one process: reload on the next search */
}

int searchlog_top_misses(db *d, arena *a, int max, search_miss_row **out)
{
	db_stmt *s = prepared(&fg_stmts, d)->top;
	if (db_query(s, "i", (long long)max) < 0)
		return -1;
	search_miss_row *rows = arena_alloc(a, (size_t)(max > 0 ? max : 1) * sizeof *rows);
	int n = 0, rc;
	while ((rc = db_fetch(s)) == 1 && n < max) {
		size_t l;
		const char *v;
		v = db_col(s, 0, &l);
		rows[n].words = arena_strndup(a, v ? v : "", v ? l : 0);
		v = db_col(s, 1, &l);
		rows[n].shown = arena_strndup(a, v ? v : "", v ? l : 0);
		rows[n].n = db_col_int(s, 2, 0);
		v = db_col(s, 3, &l);
		rows[n].last_seen = arena_strndup(a, v ? v : "", v ? l : 0);
		n++;
	}
	*out = rows;
	return rc < 0 ? -1 : n;
}
