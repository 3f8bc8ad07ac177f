/*
 * httpc.h - outbound HTTP(S) for the senders, through libcurl.
 *
 * Only background jobs call out (never a request handler, which must not
 * wait on another party).  Every call has a total timeout; redirects are
 * not followed (a receiver that moved must be reconfigured, not guessed);
 * TLS peers are verified.  The answer body is kept up to a cap.
 */
#ifndef PORTAL_HTTPC_H
#define PORTAL_HTTPC_H

#include <stddef.h>

typedef struct httpc_result {
	long status;          /* HTTP status, or 0 when no answer came */
	char body[4096];      /* the start of the answer, NUL-terminated */
	size_t len;
	char error[256];      /* why there was no answer, for the delivery log */
} httpc_result;

/* POST body (content_type) with extra headers ("Name: value", NULL-
 * terminated).  0 when an HTTP answer came (any status), -1 otherwise. */
int httpc_post(const char *url, const char *const *headers, const char *content_type,
	       const char *body, size_t n, long timeout_ms, httpc_result *res);
/* GET, for query APIs. */
int httpc_get(const char *url, const char *const *headers, long timeout_ms, httpc_result *res);

#endif
