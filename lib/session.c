/* session.c - see session.h */
#include "session.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "crypto.h"
#include "route.h"

/* Prepared once per process on the worker's connection. */
static db_stmt *st_citizen, *st_staff, *st_touch, *st_insert, *st_delete, *st_delete_all;
static db *prepared_on;

static void prepare(db *d)
{
	if (prepared_on == d)
		return;
	prepared_on = d;
	/* Idle and absolute limits are checked in SQL, against the database's
	 * clock, so every host agrees on them. */
	st_citizen = db_prepare(d,
		"SELECT s.user_id, c.name, c.contact, "
		"  TIMESTAMPDIFF(SECOND, s.last_seen, UTC_TIMESTAMP()) "
		"FROM session s JOIN citizen c ON c.id = s.user_id "
		"WHERE s.id_hash = ? AND s.kind = 2 "
		"  AND s.last_seen > UTC_TIMESTAMP() - INTERVAL 30 MINUTE "
		"  AND s.created_at > UTC_TIMESTAMP() - INTERVAL 12 HOUR");
	st_staff = db_prepare(d,
		"SELECT s.user_id, t.name, t.login, "
		"  TIMESTAMPDIFF(SECOND, s.last_seen, UTC_TIMESTAMP()), t.agency_code, t.roles "
		"FROM session s JOIN staff t ON t.id = s.user_id "
		"WHERE s.id_hash = ? AND s.kind = 3 AND t.active = 1 "
		"  AND s.last_seen > UTC_TIMESTAMP() - INTERVAL 30 MINUTE "
		"  AND s.created_at > UTC_TIMESTAMP() - INTERVAL 12 HOUR");
	st_touch = db_prepare(d, "UPDATE session SET last_seen = UTC_TIMESTAMP() WHERE id_hash = ?");
	st_insert = db_prepare(d,
		"INSERT INTO session (id_hash, kind, user_id, created_at, last_seen, remote_addr) "
		"VALUES (?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), ?)");
	st_delete = db_prepare(d, "DELETE FROM session WHERE id_hash = ? AND kind = ?");
	st_delete_all = db_prepare(d, "DELETE FROM session WHERE kind = ? AND user_id = ?");
}

const char *session_cookie(int kind)
{
	return kind == AUTH_STAFF ? "ssid" : "sid";
}

/* The value of a cookie we issued: exactly n lowercase hex digits, or
 * NULL (anything else is not ours, whatever it claims). */
static const char *hex_cookie(const request *r, const char *name, size_t n)
{
	const kv *c = kv_find(&r->cookies, name);
	if (!c || c->vlen != n || strspn(c->value, "0123456789abcdef") != n)
		return NULL;
	return c->value;
}

static const char *token_of(const request *r, int kind)
{
	return hex_cookie(r, session_cookie(kind), 64);
}

int session_load(db *d, request *r, int kind)
{
	const char *tok = token_of(r, kind);
	if (!tok)
		return 0;
	prepare(d);
	char h[65];
	sha256_hex(tok, 64, h);
	db_stmt *s = kind == AUTH_STAFF ? st_staff : st_citizen;
	if (db_query(s, "s", h) < 0)
		return -1;
	int found = 0;
	long long idle = 0;
	principal *p = arena_calloc(r->a, 1, sizeof *p);
	int rc;
	while ((rc = db_fetch(s)) == 1) {
		found = 1;
		p->kind = kind;
		p->id = db_col_int(s, 0, 0);
		p->name = arena_strdup(r->a, db_col(s, 1, NULL));
		p->login = arena_strdup(r->a, db_col(s, 2, NULL));
		idle = db_col_int(s, 3, 0);
		if (kind == AUTH_STAFF) {
			p->agency_code = arena_strdup(r->a, db_col(s, 4, NULL));
			p->roles = (unsigned)db_col_int(s, 5, 0);
		}
		p->sid_hash = arena_strdup(r->a, h);
	}
	if (rc < 0)
		return -1;
	if (!found)
		return 0;
	/* Sliding idle window, written at most once a minute per session. */
	if (idle >= 60)
		db_exec(st_touch, "s", h);
	r->user = p;
	return 1;
}

static void visitor_new(request *r);

int session_start(db *d, request *r, int kind, long long user_id)
{
	prepare(d);
	const char *old = token_of(r, kind);
	if (old) {
		char h[65];
		sha256_hex(old, 64, h);
		db_exec(st_delete, "si", h, (long long)kind);
	}
	const char *tok = crypto_token(r->a, 32);
	if (!tok)
		return -1;
	char h[65];
	sha256_hex(tok, 64, h);
	if (db_exec(st_insert, "siis", h, (long long)kind, user_id, r->remote_addr) != 1)
		return -1;
	http_set_cookie(r, session_cookie(kind), tok, -1);
	/* The form token changes at login too: one learned before it (a pv
	 * cookie planted by a page of another site under this domain, or
	 * left on a shared computer) is worth nothing once someone signs in. */
	visitor_new(r);
	return 0;
}

int session_end(db *d, request *r, int kind)
{
	prepare(d);
	const char *tok = token_of(r, kind);
	http_set_cookie(r, session_cookie(kind), "", 0);
	if (!tok)
		return 0;
	char h[65];
	sha256_hex(tok, 64, h);
	return db_exec(st_delete, "si", h, (long long)kind) < 0 ? -1 : 0;
}

int session_end_all(db *d, int kind, long long user_id)
{
	prepare(d);
	return db_exec(st_delete_all, "ii", (long long)kind, user_id) < 0 ? -1 : 0;
}

static const char *csrf_of(arena *a, const char *pv)
{
	const char *secret = conf_str("PORTAL_SECRET", NULL);
	if (!secret || strlen(secret) < 32)
		return NULL;  /* no secret, no token: every POST is refused */
	char *out = arena_alloc(a, 65);
	char msg[80];
	int n = snprintf(msg, sizeof msg, "csrf:%s", pv);
	hmac_sha256_hex(secret, strlen(secret), msg, (size_t)n, out);
	return out;
}

static const char *visitor(const request *r)
{
	return hex_cookie(r, "pv", 32);
}

/* A new visitor cookie, and the form token that goes with it. */
static void visitor_new(request *r)
{
	const char *pv = crypto_token(r->a, 16);
	if (!pv)
		return;
	/* A year: a form left open in a tab still posts. */
	http_set_cookie(r, "pv", pv, 365L * 24 * 3600);
	r->anon_id = pv;
	r->csrf = csrf_of(r->a, pv);
}

void csrf_prepare(request *r)
{
	const char *pv = visitor(r);
	if (!pv) {
		visitor_new(r);
		return;
	}
	r->anon_id = pv;
	r->csrf = csrf_of(r->a, pv);
}

int csrf_valid(const request *r, const char *token)
{
	const char *pv = visitor(r);
	if (!pv || !token)
		return 0;
	const char *want = csrf_of(r->a, pv);
	return want && crypto_eq(want, token);
}
