/* once.c - see once.h */
#include "once.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "conf.h"

int once_begin(once_fp *f, const char *kind)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	f->ctx = c;
	if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
		return -1;
	once_adds(f, kind);
	return 0;
}

void once_add(once_fp *f, const void *p, size_t n)
{
	char len[24];
	int k = p ? snprintf(len, sizeof len, "%zu:", n) : snprintf(len, sizeof len, "-:");
	if (!f->ctx)
		return;
	EVP_DigestUpdate(f->ctx, len, (size_t)k);
	if (p && n)
		EVP_DigestUpdate(f->ctx, p, n);
}

void once_adds(once_fp *f, const char *s)
{
	once_add(f, s, s ? strlen(s) : 0);
}

void once_addi(once_fp *f, long long v)
{
	char s[24];
	int k = snprintf(s, sizeof s, "%lld", v);
	once_add(f, s, (size_t)k);
}

void once_end(once_fp *f, char hex[65])
{
	unsigned char md[32];
	unsigned int n = 0;
	hex[0] = '\0';
	if (f->ctx && EVP_DigestFinal_ex(f->ctx, md, &n) == 1 && n == 32)
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
	EVP_MD_CTX_free(f->ctx);
	f->ctx = NULL;
}

static db *on;
static db_stmt *ins, *get, *renew;

int once_claim(db *d, const char fp[65], const char *result, char *prev, size_t n)
{
	if (strlen(fp) != 64)
		return ONCE_ERROR;
	if (on != d) {
		on = d;
		ins = db_prepare(d, "INSERT INTO form_once (fingerprint, result, created_at) "
				    "VALUES (?, ?, UTC_TIMESTAMP(3))");
		get = db_prepare(d, "SELECT result, created_at > UTC_TIMESTAMP(3) - INTERVAL ? SECOND "
				    "FROM form_once WHERE fingerprint = ? FOR UPDATE");
		renew = db_prepare(d, "UPDATE form_once SET result = ?, created_at = UTC_TIMESTAMP(3) "
				      "WHERE fingerprint = ?");
	}
	/* A copy still in flight holds the row: the insert waits for it, then
	 * fails as a duplicate once it has committed. */
	if (db_exec(ins, "ss", fp, result) == 1)
		return ONCE_NEW;
	if (db_errclass(d) != DB_DUPLICATE)
		return ONCE_ERROR;
	long long window = conf_int("PORTAL_FORM_ONCE_SECONDS", 600);
	if (db_query(get, "is", window, fp) < 0 || db_fetch(get) != 1)
		return ONCE_ERROR;
	int fresh = db_col_int(get, 1, 0) == 1;
	if (fresh)
		db_col_copy(get, 0, prev, n);
	while (db_fetch(get) > 0)
		;
	if (fresh)
		return ONCE_REPEAT;
	/* the same request long after: a new one, and the claim is its own */
	return db_exec(renew, "ss", result, fp) == 1 ? ONCE_NEW : ONCE_ERROR;
}
