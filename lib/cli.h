/*
 * cli.h - how the operators' tools (submission-admin, payment-admin) reach
 * the local stack.
 *
 * A tool run by hand on the stack's host needs no settings: when no
 * PORTAL_DB_USER is in its environment it connects over the socket under
 * the stack's folder (PORTAL_VAR, or var/ beside build/bin) as the user it
 * names, with that user's password generated into var/secrets by the
 * stack.  With PORTAL_DB_* set (systemd, another host) it uses those.
 */
#ifndef PORTAL_CLI_H
#define PORTAL_CLI_H

#include "db.h"

/* The repository folder (above build/bin) and the stack's folder. */
const char *cli_root(void);
const char *cli_var(void);

/* The value of var/secrets/NAME, created (0600, 32 random bytes in hex)
 * when create is set and it does not exist; exits with a message when it
 * cannot be read. */
const char *cli_secret(const char *name, int create);

/* A connected database, as above; exits with a message when there is none.
 * prog names the tool in messages. */
db *cli_db(const char *prog, const char *user, const char *secret);

#endif
