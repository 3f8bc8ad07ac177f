/* limit.c - see limit.h */
#include <arpa/inet.h>
#include <string.h>

#include "limit.h"

const char *limit_client_key(arena *a, const char *remote_addr)
{
	const char *addr = remote_addr ? remote_addr : "";
	struct in6_addr v6;
	struct in_addr v4;
	char text[INET6_ADDRSTRLEN];
	if (inet_pton(AF_INET6, addr, &v6) == 1) {
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(v6.s6_addr, mapped, 12) == 0) {
			memcpy(&v4, v6.s6_addr + 12, 4);
			if (inet_ntop(AF_INET, &v4, text, sizeof text))
				return arena_printf(a, "addr:%s", text);
		}
		memset(v6.s6_addr + 8, 0, 8);
		if (inet_ntop(AF_INET6, &v6, text, sizeof text))
			return arena_printf(a, "addr:%s/64", text);
	}
	return arena_printf(a, "addr:%s", addr);
}

static struct {
	db *on;
	db_stmt *count, *add, *wait, *clear, *prune, *hold, *unhold;
} st;

static void prepare(db *d)
{
	if (st.on == d)
		return;
	st.on = d;
	st.count = db_prepare(d,
		"SELECT COUNT(*) FROM attempt WHERE scope = ? AND k = ? "
		"AND at > UTC_TIMESTAMP(3) - INTERVAL ? SECOND");
	st.add = db_prepare(d, "INSERT INTO attempt (scope, k, at) VALUES (?, ?, UTC_TIMESTAMP(3))");
	st.wait = db_prepare(d,
		"SELECT GREATEST(0, ? - TIMESTAMPDIFF(SECOND, MIN(at), UTC_TIMESTAMP(3))) FROM attempt "
		"WHERE scope = ? AND k = ? AND at > UTC_TIMESTAMP(3) - INTERVAL ? SECOND");
	st.clear = db_prepare(d, "DELETE FROM attempt WHERE scope = ? AND k = ?");
	/* Old rows go as new ones come: the table stays the size of a window. */
	st.prune = db_prepare(d,
		"DELETE FROM attempt WHERE scope = ? AND k = ? AND at < UTC_TIMESTAMP(3) - INTERVAL 1 DAY");
	/* The max-th newest attempt in the window, if there is one, holds the
	 * key until it leaves the window (when fewer than max are left). */
	st.hold = db_prepare(d,
		"INSERT INTO limit_hold (scope, k, until) "
		"SELECT scope, k, at + INTERVAL ? SECOND FROM attempt "
		"WHERE scope = ? AND k = ? AND at > UTC_TIMESTAMP(3) - INTERVAL ? SECOND "
		"ORDER BY at DESC LIMIT ?, 1 "
		"ON DUPLICATE KEY UPDATE until = GREATEST(until, VALUES(until))");
	st.unhold = db_prepare(d, "DELETE FROM limit_hold WHERE scope = ? AND k = ?");
}

int limit_take(db *d, const char *scope, const char *key, int window_s, int max)
{
	/* Record first, then count: concurrent attempts on other workers all
	 * see each other, so no more than max ever get through. */
	if (limit_add(d, scope, key) < 0)
		return -1;
	int n = limit_count(d, scope, key, window_s);
	return n < 0 ? -1 : n <= max;
}

int limit_count(db *d, const char *scope, const char *key, int window_s)
{
	prepare(d);
	if (db_query(st.count, "ssi", scope, key, (long long)window_s) < 0)
		return -1;
	int n = 0, rc;
	while ((rc = db_fetch(st.count)) == 1)
		n = (int)db_col_int(st.count, 0, 0);
	return rc < 0 ? -1 : n;
}

int limit_add(db *d, const char *scope, const char *key)
{
	prepare(d);
	db_exec(st.prune, "ss", scope, key);
	return db_exec(st.add, "ss", scope, key) == 1 ? 0 : -1;
}

typedef struct held_arg {
	const char *scope, *key;
	int window_s, max;
} held_arg;

/* The attempt and the hold it makes in one transaction: a hold is never
 * missing for attempts that are there. */
static int add_held_tx(db *d, void *arg)
{
	held_arg *h = arg;
	if (limit_add(d, h->scope, h->key) < 0 ||
	    db_exec(st.hold, "issii", (long long)h->window_s, h->scope, h->key,
		    (long long)h->window_s, (long long)(h->max > 0 ? h->max - 1 : 0)) < 0)
		return DB_TX_FAILED;
	return 0;
}

int limit_add_held(db *d, const char *scope, const char *key, int window_s, int max)
{
	prepare(d);
	held_arg h = { scope, key, window_s, max };
	return db_tx(d, add_held_tx, &h) == 0 ? 0 : -1;
}

int limit_wait(db *d, const char *scope, const char *key, int window_s)
{
	prepare(d);
	if (db_query(st.wait, "issi", (long long)window_s, scope, key, (long long)window_s) < 0)
		return 0;
	int w = 0;
	while (db_fetch(st.wait) == 1)
		w = (int)db_col_int(st.wait, 0, 0);
	return w;
}

int limit_clear(db *d, const char *scope, const char *key)
{
	prepare(d);
	if (db_exec(st.clear, "ss", scope, key) < 0)
		return -1;
	return db_exec(st.unhold, "ss", scope, key) < 0 ? -1 : 0;
}
