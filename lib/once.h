/*
 * once.h - a form posted twice does its work once.
 *
 * A double tap on a slow phone, the back button, a retry after an error
 * page whose request had in fact gone through: the same POST arrives
 * again.  A POST whose repeat would do its work a second time (a second
 * dossier, a second receipt adjustment) names what it asks by a
 * fingerprint: a SHA-256 over who asks and every field and file of the
 * request (once_add), never over a token the client could leave out.  In
 * its own transaction, once the result is known, it claims the
 * fingerprint with that result (once_claim).  A repeat within the window
 * finds the claim: the caller rolls back and answers with the first
 * result, so the repeat changes nothing.  Two copies at once serialize on
 * the claim's row; the second sees the first's once it commits.
 *
 * Table form_once (sql/010); the window is PORTAL_FORM_ONCE_SECONDS
 * (600): the same request after it is a new one.
 */
#ifndef PORTAL_ONCE_H
#define PORTAL_ONCE_H

#include <stddef.h>

#include "db.h"

typedef struct once_fp {
	void *ctx;              /* EVP_MD_CTX */
} once_fp;

/* Start a fingerprint of the kind of request ("filing", "adjust"…). */
int once_begin(once_fp *f, const char *kind);
/* Add one value (NULL counts as absent, distinct from ""); each value is
 * length-prefixed, so no two different lists hash alike. */
void once_add(once_fp *f, const void *p, size_t n);
void once_adds(once_fp *f, const char *s);
void once_addi(once_fp *f, long long v);
/* The fingerprint in hex; frees the context. */
void once_end(once_fp *f, char hex[65]);

enum { ONCE_NEW = 0, ONCE_REPEAT = 1, ONCE_ERROR = -1 };
/* Inside the caller's transaction: claim fp for result (at most 64
 * bytes).  ONCE_NEW: go on and commit.  ONCE_REPEAT: the same request was
 * done within the window; its result is copied to prev[n]: roll back and
 * answer with it.  ONCE_ERROR: fail the transaction. */
int once_claim(db *d, const char fp[65], const char *result, char *prev, size_t n);

#endif
