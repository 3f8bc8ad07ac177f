/* admin.c - staff's page of searches that found nothing, and the form
 * that adds a dictionary entry from it (searchlog.h).
 *
 * Staff only: the route table (main.c) lets in a signed-in administrator
 * or leader on the intranet, and the server has checked the form's CSRF
 * token and fields.  An entry and its audit row are one transaction. */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "handlers.h"
#include "render.h"
#include "searchlog.h"
#include "url.h"

#define MISSES_SHOWN 200

/* The form's fields are declared with the route (main.c, entry_form). */
enum { F_PHRASE, F_EXPANSION, F_KIND, F_REASON };

static const char *val(const field_value *v, int i)
{
	return v[i].s ? v[i].s : "";
}

/* 0 saved, 1 refused (said on the page, by the form), or an error status. */
static int add_entry(request *r)
{
	const field_value *v = r->form;
	char err[200] = "";
	if (db_begin(catalog_db) < 0) {
		db_rollback(catalog_db);
		return 503;
	}
	int st = searchlog_add(catalog_db, val(v, F_PHRASE), val(v, F_EXPANSION),
			       v[F_KIND].s ? val(v, F_KIND) : "tu", val(v, F_REASON), err, sizeof err);
	if (st == 0 &&
	    (audit_log(catalog_db, r, "search_synonym_add", val(v, F_PHRASE),
		       arena_printf(r->a, "%s → %s (%s)", val(v, F_PHRASE), val(v, F_EXPANSION),
				    val(v, F_REASON))) < 0 ||
	     db_commit(catalog_db) < 0))
		st = 503;
	if (st) {
		db_rollback(catalog_db);
	} else {
		searchlog_changed();
	}
	if (st == 400) {
		r->error.field = "phrase";
		r->error.message = arena_printf(r->a, "Chưa thêm được: %s.", err);
		hset(r, "Form.error", r->error.message);
		hset(r, "Form.phrase", val(v, F_PHRASE));
		hset(r, "Form.expansion", val(v, F_EXPANSION));
		hset(r, "Form.reason", val(v, F_REASON));
		return 1;
	}
	if (st)
		return st;
	hset(r, "Form.saved", val(v, F_PHRASE));
	return 0;
}

int h_admin_misses(request *r)
{
	int refused = 0;
	if (r->method == HTTP_POST) {
		int st = add_entry(r);
		if (st > 1)
			return st;
		refused = st == 1;
	}
	const syn_dict *d = searchlog_dict(catalog_db);
	search_miss_row *rows;
	int n = searchlog_top_misses(catalog_db, r->a, MISSES_SHOWN, &rows);
	if (n < 0) {
		r->error_detail = "Cơ sở dữ liệu chưa trả lời; hãy thử lại sau ít phút.";
		return 503;
	}
	for (int i = 0; i < n; i++) {
		hsetf(r, rows[i].shown, "Misses.%d.shown", i);
		hsetf(r, arena_printf(r->a, "/catalog/search?q=%s", url_encode(r->a, rows[i].shown)),
		      "Misses.%d.url", i);
		hsetf(r, rows[i].last_seen, "Misses.%d.last_seen", i);
		hsetf(r, arena_printf(r->a, "%lld", rows[i].n), "Misses.%d.n", i);
		/* already in the dictionary (a whole-query entry)? */
		const char *words[SYN_MAX_WORDS];
		int nw = 0;
		char *copy = arena_strdup(r->a, rows[i].words);
		for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && nw < SYN_MAX_WORDS;
		     t = strtok_r(NULL, " ", &save))
			words[nw++] = t;
		int used = 0;
		const syn_entry *e = syn_match(d, words, nw, &used);
		if (e && used == nw)
			hsetf(r, e->expansion, "Misses.%d.mapped", i);
	}
	hset_int(r, "Misses.count", n);
	int k = 0;
	for (int i = 0; i < syn_count(d); i++) {
		const syn_entry *e = syn_at(d, i);
		if (!e->from_db)
			continue;
		hsetf(r, e->phrase, "Staff.%d.phrase", k);
		hsetf(r, e->expansion, "Staff.%d.expansion", k);
		hsetf(r, syn_kind_name(e->kind), "Staff.%d.kind", k);
		hsetf(r, e->reason, "Staff.%d.reason", k);
		k++;
	}
	hset_int(r, "Dict.count", syn_count(d));
	hset(r, "Site.intranet", "1");
	r->cache_control = "no-store";
	int rs = render(r, "admin_misses.cs");
	/* refused: the page with the form and the reason, as a 400 */
	return rs == 200 && refused ? 400 : rs;
}
