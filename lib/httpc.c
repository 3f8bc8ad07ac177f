/* httpc.c - see httpc.h */
#include "httpc.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

static size_t keep(char *p, size_t size, size_t nmemb, void *ctx)
{
	httpc_result *r = ctx;
	size_t n = size * nmemb, room = sizeof r->body - 1 - r->len;
	size_t k = n < room ? n : room;
	memcpy(r->body + r->len, p, k);
	r->len += k;
	r->body[r->len] = '\0';
	return n;  /* take the rest and drop it: the cap is ours, not an error */
}

static int perform(const char *url, const char *const *headers, const char *content_type,
		   const char *body, size_t n, int post, long timeout_ms, httpc_result *res)
{
	static int inited;
	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = 1;
	}
	memset(res, 0, sizeof *res);
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(res->error, sizeof res->error, "curl_easy_init failed");
		return -1;
	}
	struct curl_slist *h = NULL;
	char ct[128];
	if (post && content_type) {
		snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
		h = curl_slist_append(h, ct);
	}
	h = curl_slist_append(h, "Expect:");  /* no 100-continue round trip */
	for (size_t i = 0; headers && headers[i]; i++)
		h = curl_slist_append(h, headers[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 5000 ? timeout_ms : 5000);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "cong-dich-vu-cong/1");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, res);
	if (post) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
	}
	CURLcode rc = curl_easy_perform(c);
	int out = 0;
	if (rc != CURLE_OK) {
		snprintf(res->error, sizeof res->error, "%s", curl_easy_strerror(rc));
		out = -1;
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return out;
}

int httpc_post(const char *url, const char *const *headers, const char *content_type,
	       const char *body, size_t n, long timeout_ms, httpc_result *res)
{
	return perform(url, headers, content_type, body, n, 1, timeout_ms, res);
}

int httpc_get(const char *url, const char *const *headers, long timeout_ms, httpc_result *res)
{
	return perform(url, headers, NULL, NULL, 0, 0, timeout_ms, res);
}
