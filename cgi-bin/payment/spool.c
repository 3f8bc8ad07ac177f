/* spool.c - callbacks that arrive while the database is away.
 *
 * A callback is stored raw before anything else (payment.h).  When the
 * database cannot take it, it goes to a file in the spool directory
 * instead (PORTAL_PAYMENT_SPOOL, default $PORTAL_VAR/spool/payment): written
 * to a temporary name, fsync'd, then renamed, so a file is whole or absent,
 * and the bank is answered 99 so it retries.  The sweeper job moves the
 * files into callback_raw once the database is back.  The file's name is
 * kept in callback_raw.spool_name (unique), so a job killed between the
 * INSERT and the unlink stores nothing twice.  The directory is per host:
 * each host's sweeper empties its own.
 *
 * A temporary file left an hour by a worker killed mid-write is removed
 * (its callback was never answered: the bank retries it).
 *
 * File: kind, client address, txn_ref, received (UTC), answer, one line
 * each, then the raw query byte for byte to the end of the file.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "payment.h"

static const char *spool_dir(void)
{
	static char dir[512];
	if (!*dir) {
		const char *v = conf_str("PORTAL_VAR", "var");
		snprintf(dir, sizeof dir, "%s",
			 conf_str("PORTAL_PAYMENT_SPOOL", ""));
		if (!*dir)
			snprintf(dir, sizeof dir, "%s/spool/payment", v);
	}
	return dir;
}

/* one line of the header: no newline may hide in it */
static void line(FILE *f, const char *s)
{
	for (s = s ? s : ""; *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	fputc('\n', f);
}

int spool_write(const char *kind, const char *addr, const char *raw,
		const char *txn_ref, const char *rsp)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char when[80], name[64], tmp[640], path[640];
	snprintf(when, sizeof when, "%04d-%02d-%02d %02d:%02d:%02d.%03ld",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	static unsigned seq;
	snprintf(name, sizeof name, "%lld%09ld-%ld-%u.cb", (long long)ts.tv_sec,
		 ts.tv_nsec, (long)getpid(), seq++);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", spool_dir(), name);
	snprintf(path, sizeof path, "%s/%s", spool_dir(), name);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	line(f, kind);
	line(f, addr);
	line(f, txn_ref && strlen(txn_ref) <= 34 ? txn_ref : "");
	line(f, when);
	line(f, rsp);
	fputs(raw ? raw : "", f);
	int bad = fflush(f) != 0 || fsync(fd) != 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static const char Q_SPOOLED[] =
	"INSERT IGNORE INTO callback_raw (gateway, kind, received_at, client_addr, raw,"
	" txn_ref, result, spool_name) VALUES ('vnpay', ?, ?, ?, ?, ?, ?, ?)";

static char *slurp(const char *path, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *p = malloc(cap + 1);
	size_t n = p ? fread(p, 1, cap, f) : 0;
	int more = fgetc(f) != EOF;
	fclose(f);
	if (!p || more) {	/* larger than any callback we keep: leave it */
		free(p);
		return NULL;
	}
	p[n] = '\0';
	return p;
}

int spool_load(db *d)
{
	DIR *dir = opendir(spool_dir());
	if (!dir)
		return 0;
	int moved = 0;
	struct dirent *e;
	while ((e = readdir(dir)) && moved < 500) {
		size_t n = strlen(e->d_name);
		char path[640];
		snprintf(path, sizeof path, "%s/%s", spool_dir(), e->d_name);
		/* A temporary file an hour old is a write its worker never
		 * finished (killed): that callback was never answered, so the
		 * bank sends it again; the half file only takes space. */
		struct stat st;
		if (e->d_name[0] == '.' && n > 5 && strcmp(e->d_name + n - 4, ".tmp") == 0 &&
		    stat(path, &st) == 0 && st.st_mtime < time(NULL) - 3600) {
			if (unlink(path) == 0)
				fprintf(stderr, "spool: removed %s, a write cut off\n", e->d_name);
			continue;
		}
		if (e->d_name[0] == '.' || n < 4 || n > 60 || strcmp(e->d_name + n - 3, ".cb"))
			continue;
		char *p = slurp(path, 1 << 20);
		if (!p)
			continue;
		char *f[5], *s = p;
		int ok = 1;
		for (int i = 0; i < 5; i++) {
			char *nl = strchr(s, '\n');
			if (!nl) {
				ok = 0;
				break;
			}
			*nl = '\0';
			f[i] = s;
			s = nl + 1;
		}
		if (ok && db_exec(S(d, Q_SPOOLED), "sssssss", f[0], f[3], f[1], s,
				  *f[2] ? f[2] : NULL, *f[4] ? f[4] : NULL, e->d_name) < 0) {
			free(p);
			break;	/* the database is still away: next round */
		}
		free(p);
		if (ok) {
			unlink(path);
			moved++;
		}
	}
	closedir(dir);
	if (moved)
		fprintf(stderr, "payment: %d spooled callbacks stored\n", moved);
	return moved;
}
