/*
 * session.h - sessions in MariaDB, and the CSRF token of every form.
 *
 * A session is a random 256-bit token in an HttpOnly cookie; only its
 * SHA-256 is stored, so a copy of the table opens nobody's account.  Any
 * process on any host serves any user.  Citizens and staff have separate
 * cookies and rows of separate kinds (a citizen's token never opens the
 * intranet).  Idle for 30 minutes or 12 hours old, a session is over; a
 * login always starts a new one (no fixation), a logout deletes the row so
 * a replayed cookie opens nothing.
 *
 * CSRF: every visitor has a random `pv` cookie (HttpOnly, SameSite=Lax);
 * a form carries HMAC(PORTAL_SECRET, pv) in its hidden field `csrf`.  A
 * page on another site can neither read the cookie nor compute the MAC.
 */
#ifndef PORTAL_SESSION_H
#define PORTAL_SESSION_H

#include "db.h"
#include "http.h"

/* Where a request without the session its route needs is sent. */
#define SESSION_LOGIN_CITIZEN "/account/login"
#define SESSION_LOGIN_STAFF "/desk/login"

#define SESSION_IDLE_SECONDS (30 * 60)
#define SESSION_MAX_SECONDS (12 * 60 * 60)

/* The cookie of a session kind: "sid" for citizens, "ssid" for staff. */
const char *session_cookie(int kind);

/* Load the session of this kind from the request's cookie into r->user.
 * 1 found, 0 none or expired, -1 the database did not answer. */
int session_load(db *d, request *r, int kind);

/* Start a session for a user who just proved who they are (deletes the
 * one the request came with), and set its cookie.  0, or -1. */
int session_start(db *d, request *r, int kind, long long user_id);

/* End the request's session of this kind (row and cookie). */
int session_end(db *d, request *r, int kind);

/* End every session of a user (password reset). */
int session_end_all(db *d, int kind, long long user_id);

/* Give the visitor a pv cookie if it has none, and compute r->csrf. */
void csrf_prepare(request *r);
/* 1 if the submitted token matches the visitor's cookie. */
int csrf_valid(const request *r, const char *token);

#endif
