/*
 * conf.h - settings of a program, from its environment.
 *
 * conf/stack.sh reads conf/portal.conf, lets the environment override it and
 * starts each program with the result, so programs read only getenv: one
 * source of truth, and the same binary runs under systemd with Environment=.
 */
#ifndef PORTAL_CONF_H
#define PORTAL_CONF_H

const char *conf_str(const char *name, const char *def);
long long conf_int(const char *name, long long def);
/* "1m", "64k", "1048576" -> bytes; def when unset or malformed. */
long long conf_bytes(const char *name, long long def);

#endif
