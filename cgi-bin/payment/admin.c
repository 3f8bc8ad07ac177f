/*
 * admin.c - payment-admin: the operator's settings for the payment area.
 *
 *   payment-admin beneficiary-set --agency CODE [--group GROUP] --bin BIN
 *                 --account NUMBER --account-name NAME
 *                 [--chuong CCC] [--tieu-muc TTTT]
 *   payment-admin beneficiary-set --agency CODE [--group GROUP] --treasury KBNN
 *                 --account NUMBER --account-name NAME [--chuong CCC] [--tieu-muc TTTT]
 *   payment-admin receipts-set --agency CODE --name NAME --tax-code TAXCODE
 *                 --template SYMBOL --series SYMBOL
 *   payment-admin apikey-add --agency CODE          prints "KEY_ID SECRET"
 *   payment-admin webhook-set --agency CODE --url URL   prints the signing secret
 *   payment-admin banks-import [--data DIR]        loads banks/vn_banks_napas_bin.csv
 *
 * Every command is re-runnable: a setting is replaced, and obligations and
 * receipts already made keep the snapshot they took.  It finds the local
 * stack by itself (var/ next to build/, as conf/stack.sh lays it out)
 * unless PORTAL_DB_* say otherwise.  Exit 0 done, 2 bad usage or input
 * (the message names the field), 1 database trouble.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "cli.h"
#include "csv.h"
#include "db.h"
#include "keys.h"
#include "obligation.h"
#include "vntext.h"

static const char *opt_names[] = {
	"agency", "group", "bin", "treasury", "account", "account-name",
	"chuong", "tieu-muc", "name", "tax-code", "template", "series", "url",
	"data", NULL,
};
enum { O_AGENCY, O_GROUP, O_BIN, O_TREASURY, O_ACCOUNT, O_ACCOUNT_NAME,
       O_CHUONG, O_TIEU_MUC, O_NAME, O_TAX_CODE, O_TEMPLATE, O_SERIES, O_URL,
       O_DATA, O_COUNT };
static const char *opt[O_COUNT];

static void usage(void)
{
	fputs("usage:\n"
	      "  payment-admin beneficiary-set --agency CODE [--group GROUP] (--bin BIN | --treasury KBNN)\n"
	      "                --account NUMBER --account-name NAME [--chuong CCC] [--tieu-muc TTTT]\n"
	      "  payment-admin receipts-set --agency CODE --name NAME --tax-code TAXCODE\n"
	      "                --template SYMBOL --series SYMBOL\n"
	      "  payment-admin apikey-add --agency CODE\n"
	      "  payment-admin webhook-set --agency CODE --url URL\n"
	      "  payment-admin banks-import [--data DIR]\n", stderr);
	exit(2);
}

static _Noreturn void die(int code, const char *fmt, const char *arg)
    __attribute__((format(printf, 2, 0)));
static _Noreturn void die(int code, const char *fmt, const char *arg)
{
	fputs("payment-admin: ", stderr);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, fmt, arg);	/* every fmt is a literal with one %s */
#pragma GCC diagnostic pop
	fputc('\n', stderr);
	exit(code);
}

static void parse_opts(int argc, char **argv)
{
	for (int i = 2; i < argc; i += 2) {
		int k = -1;
		if (strncmp(argv[i], "--", 2) == 0)
			for (int j = 0; opt_names[j]; j++)
				if (strcmp(argv[i] + 2, opt_names[j]) == 0)
					k = j;
		if (k < 0)
			die(2, "unknown option %s", argv[i]);
		if (i + 1 >= argc)
			die(2, "%s needs a value", argv[i]);
		if (opt[k])
			die(2, "%s given twice", argv[i]);
		if (!utf8_valid(argv[i + 1], strlen(argv[i + 1])))
			die(2, "%s: not valid UTF-8", argv[i]);
		opt[k] = argv[i + 1];
	}
}

static const char *need(int k)
{
	if (!opt[k] || !*opt[k])
		die(2, "--%s is required", opt_names[k]);
	return opt[k];
}

static void only(const int *allowed)
{
	for (int k = 0; k < O_COUNT; k++) {
		if (!opt[k])
			continue;
		int ok = 0;
		for (const int *a = allowed; *a >= 0; a++)
			ok |= *a == k;
		if (!ok)
			die(2, "--%s does not apply to this command", opt_names[k]);
	}
}

static int all_of(const char *s, const char *set, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max)
		return 0;
	return strspn(s, set) == n;
}

/* A name printed on pay pages and receipts is one line: a newline, a tab
 * or a direction override in it is a paste gone wrong, refused as the API
 * and the forms refuse it (vn_control_at). */
static int has_control(const char *s)
{
	return vn_control_at(s, strlen(s), 0) != 0;
}

#define DIGITS "0123456789"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

static const char *master_key(void)
{
	const char *m = getenv("PORTAL_APIKEY_MASTER");
	return m && *m ? m : cli_secret("apikey_master", 1);
}

static void check_agency(db *d, const char *code)
{
	db_stmt *s = db_prepare(d, "SELECT 1 FROM agency WHERE code = ?");
	int r;
	if (db_query(s, "s", code) < 0 || (r = db_fetch(s)) < 0)
		die(1, "database: %s", db_error(d));
	if (r == 0)
		die(2, "--agency %s: no such agency in the catalog (a national agency code, e.g. 000.00.12.H26)", code);
	while (db_fetch(s) > 0)
		;
}

static void exec_or_die(db *d, db_stmt *s, long long rc)
{
	(void)s;
	if (rc < 0)
		die(1, "database: %s", db_error(d));
}

/* The end of a setting command's line: what the re-runnable command did to
 * the setting before it ("before" empty: there was none). */
static const char *replaced(const char *before, const char *now)
{
	static char out[512];
	if (!*before)
		return "new setting";
	if (strcmp(before, now) == 0)
		return "unchanged";
	snprintf(out, sizeof out, "replacing %s", before);
	return out;
}

static int beneficiary_set(db *d)
{
	static const int allowed[] = {O_AGENCY, O_GROUP, O_BIN, O_TREASURY, O_ACCOUNT,
				      O_ACCOUNT_NAME, O_CHUONG, O_TIEU_MUC, -1};
	only(allowed);
	const char *agency = need(O_AGENCY), *acct = need(O_ACCOUNT),
		   *name = need(O_ACCOUNT_NAME);
	const char *grp = opt[O_GROUP] ? opt[O_GROUP] : "";
	if (*grp && obligation_group_parse(grp) < 0)
		die(2, "--group %s: one of phi_le_phi, thue, bhxh_bhyt, phat_vphc, tien_dien, an_phi, vien_phi, hoc_phi", grp);
	if (!!opt[O_BIN] == !!opt[O_TREASURY])
		die(2, "%s", "give exactly one of --bin (a bank, by NAPAS BIN) and --treasury (a State Treasury code)");
	/* A bank account number is digits only (NAPAS carries at most 19);
	 * a treasury account is digits in dotted groups (3511.0.1054595).
	 * "12 34" or "12AB34" is a typo that would send money nowhere. */
	if (opt[O_BIN] && !all_of(acct, DIGITS, 4, 19))
		die(2, "--account %s: a bank account number is 4 to 19 digits, no spaces or letters", acct);
	if (opt[O_TREASURY] && !all_of(acct, DIGITS ".", 4, 30))
		die(2, "--account %s: a treasury account is 4 to 30 digits and dots", acct);
	if (strlen(name) > 200)
		die(2, "%s", "--account-name: at most 200 bytes");
	if (has_control(name))
		die(2, "%s", "--account-name: one line, no tab or other control character");
	if (opt[O_TREASURY] && !all_of(opt[O_TREASURY], DIGITS, 4, 10))
		die(2, "--treasury %s: the treasury's code, 4 to 10 digits", opt[O_TREASURY]);
	if (opt[O_CHUONG] && !all_of(opt[O_CHUONG], DIGITS, 3, 3))
		die(2, "--chuong %s: 3 digits", opt[O_CHUONG]);
	if (opt[O_TIEU_MUC] && !all_of(opt[O_TIEU_MUC], DIGITS, 4, 4))
		die(2, "--tieu-muc %s: 4 digits", opt[O_TIEU_MUC]);
	check_agency(d, agency);
	if (opt[O_BIN]) {
		if (!all_of(opt[O_BIN], DIGITS, 6, 6))
			die(2, "--bin %s: a NAPAS BIN is 6 digits", opt[O_BIN]);
		db_stmt *s = db_prepare(d, "SELECT 1 FROM pay_bank WHERE bin = ?");
		int r;
		if (db_query(s, "s", opt[O_BIN]) < 0 || (r = db_fetch(s)) < 0)
			die(1, "database: %s", db_error(d));
		if (r == 0)
			die(2, "--bin %s: not a bank in the NAPAS list (payment-admin banks-import loads it)", opt[O_BIN]);
		while (db_fetch(s) > 0)
			;
	}
	/* what this replaces, said on the way out: an operator re-running
	 * the command sees whether anything changed, and from what */
	char before[300] = "";
	db_stmt *p = db_prepare(d, "SELECT COALESCE(bank_bin, treasury_code), account_no, account_name"
				   " FROM pay_beneficiary WHERE agency_code = ? AND grp = ?");
	int f;
	if (db_query(p, "ss", agency, grp) < 0 || (f = db_fetch(p)) < 0)
		die(1, "database: %s", db_error(d));
	if (f > 0 && db_col(p, 0, NULL))
		snprintf(before, sizeof before, "%s %s (%s)", db_col(p, 0, NULL), db_col(p, 1, NULL),
			 db_col(p, 2, NULL));
	while (db_fetch(p) > 0)
		;
	db_stmt *s = db_prepare(d,
		"REPLACE INTO pay_beneficiary (agency_code, grp, kind, bank_bin, account_no,"
		" account_name, treasury_code, chuong, tieu_muc, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))");
	exec_or_die(d, s, db_exec(s, "sssssssss", agency, grp,
				   opt[O_BIN] ? "bank" : "treasury", opt[O_BIN], acct, name,
				   opt[O_TREASURY], opt[O_CHUONG], opt[O_TIEU_MUC]));
	char now[300];
	snprintf(now, sizeof now, "%s %s (%s)", opt[O_BIN] ? opt[O_BIN] : opt[O_TREASURY], acct, name);
	printf("beneficiary of %s (%s): %s, %s\n", agency,
	       *grp ? grp : "all groups without their own", now, replaced(before, now));
	/* A group set with --group keeps its own account (lib/obligation.c
	 * takes the group's row first): "all groups" must not let the
	 * operator believe fines now go to the new account when they do not. */
	if (!*grp) {
		db_stmt *g = db_prepare(d, "SELECT grp, COALESCE(bank_bin, treasury_code), account_no"
					   " FROM pay_beneficiary WHERE agency_code = ? AND grp <> ''"
					   " ORDER BY grp");
		if (db_query(g, "s", agency) < 0)
			die(1, "database: %s", db_error(d));
		while (db_fetch(g) > 0)
			printf("  not changed: group %s keeps its own account %s %s"
			       " (beneficiary-set --group %s to change it)\n", db_col(g, 0, NULL),
			       db_col(g, 1, NULL), db_col(g, 2, NULL), db_col(g, 0, NULL));
	}
	return 0;
}

typedef struct receipts_row {
	const char *agency, *name, *tax, *tpl, *ser;
	db_stmt *del, *ins;
} receipts_row;

/* The agency's receipt setting replaced; 409 when another agency holds
 * the series (the unique key of sql/021_receipt_series_unique.sql). */
static int receipts_write(db *d, void *arg)
{
	receipts_row *w = arg;
	if (db_exec(w->del, "s", w->agency) < 0)
		return DB_TX_FAILED;
	if (db_exec(w->ins, "sssss", w->agency, w->name, w->tax, w->tpl, w->ser) == 1)
		return 0;
	return db_errclass(d) == DB_DUPLICATE ? 409 : DB_TX_FAILED;
}

static int receipts_set(db *d)
{
	static const int allowed[] = {O_AGENCY, O_NAME, O_TAX_CODE, O_TEMPLATE, O_SERIES, -1};
	only(allowed);
	const char *agency = need(O_AGENCY), *name = need(O_NAME), *tax = need(O_TAX_CODE),
		   *tpl = need(O_TEMPLATE), *ser = need(O_SERIES);
	/* mã số thuế: 10 digits, or 10 digits, '-', 3 digits for a branch */
	if (!(all_of(tax, DIGITS, 10, 10) ||
	      (strlen(tax) == 14 && tax[10] == '-' && strspn(tax, DIGITS) == 10 &&
	       all_of(tax + 11, DIGITS, 3, 3))))
		die(2, "--tax-code %s: 10 digits, or 10-3 digits for a branch", tax);
	if (strlen(name) > 255)
		die(2, "%s", "--name: at most 255 bytes");
	if (has_control(name))
		die(2, "%s", "--name: one line, no tab or other control character");
	/* The symbols are printed as registered with the tax authority, in
	 * capitals (TT 78/2021: "01BLP0-001", "C26TAA"); "c26taa" would be a
	 * second, unregistered series counted from 1. */
	if (!all_of(tpl, UPPER DIGITS "/-", 1, 20))
		die(2, "--template %s: 1 to 20 capital letters, digits, '/' or '-'", tpl);
	if (!all_of(ser, UPPER DIGITS "/-", 1, 20))
		die(2, "--series %s: 1 to 20 capital letters, digits, '/' or '-'", ser);
	check_agency(d, agency);
	/* what this replaces, said on the way out as beneficiary-set does: a
	 * receipt series changed is what an auditor asks about first (the
	 * receipts issued before keep the symbols printed on them) */
	char before[400] = "";
	db_stmt *p = db_prepare(d, "SELECT unit_name, tax_code, template_symbol, series_symbol"
				   " FROM pay_receipt_setting WHERE agency_code = ?");
	int f;
	if (!p || db_query(p, "s", agency) < 0 || (f = db_fetch(p)) < 0)
		die(1, "database: %s", db_error(d));
	if (f > 0)
		snprintf(before, sizeof before, "%s, tax code %s, template %s, series %s",
			 db_col(p, 0, NULL), db_col(p, 1, NULL), db_col(p, 2, NULL), db_col(p, 3, NULL));
	while (f > 0 && db_fetch(p) > 0)
		;
	/* One issuer (a tax code) numbers one series (template and series
	 * symbols) in one sequence: two agencies given the same three would
	 * each count from 1, and the issuer would have two receipts with
	 * every number (NĐ 123/2020 Điều 32).  Each needs its own series.
	 * The unique key of sql/021 is what refuses it: a look-up before the
	 * write let two operators at the same instant both pass.  The row is
	 * replaced by DELETE and INSERT in one transaction, not by REPLACE,
	 * which would delete the other agency's row that holds the series. */
	receipts_row row = {agency, name, tax, tpl, ser,
			    db_prepare(d, "DELETE FROM pay_receipt_setting WHERE agency_code = ?"),
			    db_prepare(d, "INSERT INTO pay_receipt_setting (agency_code, unit_name,"
				       " tax_code, template_symbol, series_symbol, updated_at)"
				       " VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3))")};
	int rc = db_tx(d, receipts_write, &row);
	if (rc == 409) {
		db_stmt *q = db_prepare(d,
			"SELECT agency_code FROM pay_receipt_setting WHERE tax_code = ?"
			" AND template_symbol = ? AND series_symbol = ? AND agency_code <> ? LIMIT 1");
		char holder[81] = "";
		if (q && db_query(q, "ssss", tax, tpl, ser, agency) == 0 && db_fetch(q) == 1) {
			db_col_copy(q, 0, holder, sizeof holder);
			while (db_fetch(q) > 0)
				;
		}
		char what[300];
		snprintf(what, sizeof what, "template %s, series %s of tax code %s already numbers"
			 " the receipts of agency %s", tpl, ser, tax, *holder ? holder : "(another agency)");
		die(2, "--series: %s; one series is one sequence of numbers: register another"
		    " series symbol for this agency", what);
	}
	if (rc)
		die(1, "database: %s", db_error(d));
	char now[400];
	snprintf(now, sizeof now, "%s, tax code %s, template %s, series %s", name, tax, tpl, ser);
	printf("receipts of %s: %s; %s\n", agency, now, replaced(before, now));
	return 0;
}

static int apikey_add(db *d)
{
	static const int allowed[] = {O_AGENCY, -1};
	only(allowed);
	const char *agency = need(O_AGENCY);
	check_agency(d, agency);
	char id[3 + 16 + 1] = "pk_", salt[33], secret[KEY_HEX + 1];
	if (random_hex(id + 3, 8) < 0 || random_hex(salt, 16) < 0)
		die(1, "%s", "no randomness");
	const char *master = master_key();
	db_stmt *s = db_prepare(d, "INSERT INTO api_key (id, agency_code, salt, created_at)"
				   " VALUES (?, ?, ?, UTC_TIMESTAMP(3))");
	exec_or_die(d, s, db_exec(s, "sss", id, agency, salt));
	derive_secret(master, "apikey", id, salt, secret);
	printf("%s %s\n", id, secret);
	return 0;
}

static int webhook_set(db *d)
{
	static const int allowed[] = {O_AGENCY, O_URL, -1};
	only(allowed);
	const char *agency = need(O_AGENCY), *url = need(O_URL);
	if (!(strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0) ||
	    strlen(url) > 500 || strpbrk(url, " \t\r\n\"'<>\\"))
		die(2, "--url %s: an http:// or https:// address of at most 500 bytes", url);
	check_agency(d, agency);
	char salt[33], secret[KEY_HEX + 1];
	if (random_hex(salt, 16) < 0)
		die(1, "%s", "no randomness");
	db_stmt *s = db_prepare(d,
		"REPLACE INTO pay_webhook_endpoint (agency_code, url, salt, updated_at)"
		" VALUES (?, ?, ?, UTC_TIMESTAMP(3))");
	exec_or_die(d, s, db_exec(s, "sss", agency, url, salt));
	derive_secret(master_key(), "webhook", agency, salt, secret);
	printf("%s\n", secret);
	return 0;
}

static int banks_import(db *d)
{
	static const int allowed[] = {O_DATA, -1};
	only(allowed);
	char path[PATH_MAX + 64];
	const char *data = opt[O_DATA] ? opt[O_DATA] : getenv("PORTAL_DATA_DIR");
	if (data && *data)
		snprintf(path, sizeof path, "%s/banks/vn_banks_napas_bin.csv", data);
	else
		snprintf(path, sizeof path, "%s/../shared/data/banks/vn_banks_napas_bin.csv", cli_root());
	FILE *f = fopen(path, "rb");
	if (!f)
		die(2, "cannot read %s (--data DIR)", path);
	buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	arena *a = arena_new(1 << 16);
	csv_reader *r = csv_open(a, b.p ? b.p : "", b.len);
	char **hdr, **row;
	size_t nh, nf;
	if (csv_next(r, &hdr, &nh) != 1)
		die(2, "%s: no header", path);
	const char *want[] = {"bin", "short_name", "name", "lib_code", "swift_code",
			      "vietqr_status", "deprecated"};
	int col[7];
	for (int i = 0; i < 7; i++)
		if ((col[i] = csv_header_index(hdr, nh, want[i])) < 0)
			die(2, "the bank list has no column %s", want[i]);
	db_stmt *s = db_prepare(d,
		"INSERT INTO pay_bank (bin, short_name, name, code, swift, vietqr_status, deprecated)"
		" VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
		/* A BIN listed twice is a bank renamed (Ocean Bank -> MBV): the
		 * current name wins over one marked deprecated, and among current
		 * ones the later row.  deprecated is assigned last, as MariaDB
		 * assigns left to right. */
		" short_name = IF(VALUES(deprecated) = 0 OR deprecated = 1, VALUES(short_name), short_name),"
		" name = IF(VALUES(deprecated) = 0 OR deprecated = 1, VALUES(name), name),"
		" code = IF(VALUES(deprecated) = 0 OR deprecated = 1, VALUES(code), code),"
		" swift = IF(VALUES(deprecated) = 0 OR deprecated = 1, VALUES(swift), swift),"
		" vietqr_status = IF(VALUES(deprecated) = 0 OR deprecated = 1, VALUES(vietqr_status), vietqr_status),"
		" deprecated = IF(VALUES(deprecated) = 0 OR deprecated = 1, VALUES(deprecated), deprecated)");
	int count = 0, skipped = 0, rc;
	if (db_begin(d) < 0)
		die(1, "database: %s", db_error(d));
	while ((rc = csv_next(r, &row, &nf)) == 1) {
		if (nf != nh)
			die(2, "bank list: a row with %s fields", nf < nh ? "too few" : "too many");
		const char *bin = row[col[0]];
		if (!*bin) {	/* listed without a BIN (BIDC): not payable by BIN */
			skipped++;
			continue;
		}
		if (!all_of(bin, DIGITS, 6, 6))
			die(2, "bank list: BIN %s is not 6 digits", bin);
		const char *swift = row[col[4]];
		const char *dep = row[col[6]];
		long long vq = strtoll(row[col[5]], NULL, 10);
		if (db_exec(s, "sssssii", bin, row[col[1]], row[col[2]],
			    row[col[3]], *swift ? swift : NULL, vq,
			    (long long)(*dep && strcmp(dep, "0") != 0)) < 0) {
			db_rollback(d);
			die(1, "database: %s", db_error(d));
		}
		count++;
	}
	if (rc < 0)
		die(2, "bank list: %s", csv_error(r));
	if (db_commit(d) < 0)
		die(1, "database: %s", db_error(d));
	printf("banks: %d rows loaded, %d without a BIN skipped, from %s\n", count, skipped, path);
	arena_free(a);
	buf_free(&b);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(db *d);
	} cmds[] = {
		{"beneficiary-set", beneficiary_set},
		{"receipts-set", receipts_set},
		{"apikey-add", apikey_add},
		{"webhook-set", webhook_set},
		{"banks-import", banks_import},
	};
	if (argc < 2)
		usage();
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		parse_opts(argc, argv);
		db *d = cli_db("payment-admin", "portal_payment_admin", "db_payment_admin");
		int rc = cmds[i].run(d);
		db_close(d);
		return rc;
	}
	usage();
}
