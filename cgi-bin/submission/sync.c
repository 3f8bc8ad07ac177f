/*
 * sync.c - what leaves the portal: status changes to the national portal
 * (topic "sync") and notices to citizens (topic "notify"), both written to
 * the outbox in the transaction of the change and delivered here by the
 * area's background jobs (server.h: a process each, restarted if it dies).
 *
 * Sync: POST the JSON to PORTAL_SYNC_URL with X-Portal-Timestamp (Unix
 * seconds) and X-Portal-Signature = hex HMAC-SHA256(PORTAL_SYNC_SECRET,
 * timestamp "." body); a 2xx is the acknowledgement, anything else is
 * retried with the outbox's back-off, in order per dossier.
 *
 * Notices: the one small pluggable sender.  With PORTAL_DEV_OUTBOX=1 (the
 * local stack and the tests) a notice is "sent" by being kept, and the
 * intranet page /dev/outbox shows it; a deployment plugs an SMS or e-mail
 * gateway in notify_deliver().
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "conf.h"
#include "crypto.h"
#include "httpc.h"
#include "json.h"
#include "jsonparse.h"
#include "outbox.h"
#include "render.h"
#include "server.h"
#include "submission.h"

static int sync_deliver(const outbox_msg *m, char *err, size_t errlen)
{
	const char *url = m->url ? m->url : conf_str("PORTAL_SYNC_URL", "");
	const char *secret = conf_str("PORTAL_SYNC_SECRET", "");
	if (!*url || !*secret) {
		snprintf(err, errlen, "PORTAL_SYNC_URL hoặc PORTAL_SYNC_SECRET chưa đặt");
		return -1;
	}
	char ts[24], sig[65], h1[64], h2[100];
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	buf msg = BUF_INIT;
	buf_puts(&msg, ts);
	buf_putc(&msg, '.');
	buf_put(&msg, m->payload, m->len);
	hmac_sha256_hex(secret, strlen(secret), msg.p, msg.len, sig);
	buf_free(&msg);
	snprintf(h1, sizeof h1, "X-Portal-Timestamp: %s", ts);
	snprintf(h2, sizeof h2, "X-Portal-Signature: %s", sig);
	const char *const headers[] = { h1, h2, NULL };
	httpc_result res;
	if (httpc_post(url, headers, "application/json", m->payload, m->len,
		       conf_int("PORTAL_SYNC_TIMEOUT_MS", 10000), &res) != 0) {
		snprintf(err, errlen, "%s", res.error);
		return -1;
	}
	if (res.status < 200 || res.status > 299) {
		snprintf(err, errlen, "HTTP %ld: %.200s", res.status, res.body);
		return -1;
	}
	return 0;
}

int job_sync(db *d)
{
	return outbox_round(d, "sync", sync_deliver, 50, conf_int("PORTAL_SYNC_TIMEOUT_MS", 10000));
}

static int notify_deliver(const outbox_msg *m, char *err, size_t errlen)
{
	if (conf_int("PORTAL_DEV_OUTBOX", 0) == 1)
		return 0;      /* kept in the outbox, shown on /dev/outbox */
	snprintf(err, errlen, "no SMS/e-mail gateway configured");
	return -1;
}

int job_notify(db *d)
{
	return outbox_round(d, "notify", notify_deliver, 50, 0);
}

/* --- /dev/outbox: what would have been sent (local stack only) --------------- */

static int dev_rows(request *r, const char *to, int json)
{
	if (conf_int("PORTAL_DEV_OUTBOX", 0) != 1)
		return 404;
	db_stmt *s = STMT(server_db(),
		"SELECT payload, DATE_FORMAT(created_at + INTERVAL 7 HOUR, '%Y-%m-%dT%H:%i:%s+07:00') "
		"FROM outbox WHERE topic = 'notify' AND (? IS NULL OR subject = ?) "
		"ORDER BY id DESC LIMIT 200");
	if (db_query(s, "ss", to, to) != 0)
		return 503;
	buf b = BUF_INIT;
	buf_putc(&b, '[');
	for (int i = 0; db_fetch(s) == 1; i++) {
		size_t n;
		const char *p = db_col(s, 0, &n), *at = db_col(s, 1, NULL);
		if (!p || n < 2)
			continue;
		/* the payload is our own JSON object: add "created" to it */
		if (i)
			buf_putc(&b, ',');
		buf_put(&b, p, n - 1);
		buf_putc(&b, ',');
		json_key(&b, "created");
		json_cstr(&b, at ? at : "");
		buf_putc(&b, '}');
		if (!json) {
			/* in plain words: to whom, what, the text as it would arrive */
			json_value *v = json_parse(r->a, p, n, NULL, 0);
			const char *rcpt = v ? json_get_str(v, "to") : NULL;
			const char *subj = v ? json_get_str(v, "subject") : NULL;
			const char *text = v ? json_get_str(v, "body") : NULL;
			hsetf(r, rcpt ? rcpt : "?", "Outbox.%d.to", i);
			hsetf(r, subj ? subj : "", "Outbox.%d.subject", i);
			hsetf(r, text ? text : arena_strndup(r->a, p, n), "Outbox.%d.body", i);
			hsetf(r, at, "Outbox.%d.created", i);
		}
	}
	buf_putc(&b, ']');
	if (json) {
		r->cache_control = "no-store";
		http_body(r, "application/json; charset=utf-8", b.p, b.len);
		buf_free(&b);
		return 200;
	}
	buf_free(&b);
	hset(r, "Page.title", "Thư, tin nhắn sẽ gửi (môi trường thử)");
	return render(r, "dev_outbox.cs");
}

int h_dev_outbox(request *r)
{
	return dev_rows(r, NULL, 0);
}

int h_dev_outbox_json(request *r)
{
	return dev_rows(r, r->query[0].s, 1);
}

int h_health(request *r)
{
	int up = db_connected(server_db());
	const char *body = up ? "{\"status\":\"ok\"}" : "{\"status\":\"database_unavailable\"}";
	http_body(r, "application/json; charset=utf-8", body, strlen(body));
	return up ? 200 : 503;
}
