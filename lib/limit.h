/*
 * limit.h - attempts counted in MariaDB (failed logins, one-time codes,
 * public lookups), so the limit holds across every process and host.
 *
 * A scope ("login", "otp", "lookup") and a key (an account, a client
 * address) name a counter; attempts older than the window do not count.
 */
#ifndef PORTAL_LIMIT_H
#define PORTAL_LIMIT_H

#include "arena.h"
#include "db.h"

/* How many attempts in the last window_s seconds, or -1. */
int limit_count(db *d, const char *scope, const char *key, int window_s);
/* Record an attempt and say whether it is within max for the window:
 * 1 allowed, 0 over the limit, -1 the database did not answer.  Counting
 * after recording is what makes the limit hold across processes. */
int limit_take(db *d, const char *scope, const char *key, int window_s, int max);
/* Record one; 0 or -1. */
int limit_add(db *d, const char *scope, const char *key);
/* Record one, and when it makes max within the window, keep until when
 * the key is held in limit_hold (sql/028), so that a busy page reads the
 * hold with a key lookup joined into its own query instead of counting:
 * held while limit_hold.until > UTC_TIMESTAMP(3), exactly while
 * limit_count() >= max.  0 or -1. */
int limit_add_held(db *d, const char *scope, const char *key, int window_s, int max);
/* Seconds until the oldest counted attempt leaves the window (for "try
 * again in N minutes"), or 0. */
int limit_wait(db *d, const char *scope, const char *key, int window_s);
/* Forget a key's attempts (after a success). */
int limit_clear(db *d, const char *scope, const char *key);

/* The key a client address is counted under: "addr:" and the address, an
 * IPv4 one whole (also written as ::ffff:a.b.c.d), an IPv6 one by its /64
 * (one household or phone holds a whole /64 and may pick any address in
 * it, so counting each address alone would count nothing).  Anything else
 * as it came.  The string is in a. */
const char *limit_client_key(arena *a, const char *remote_addr);

#endif
