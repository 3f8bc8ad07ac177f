/*
 * calendar.c - the working-day calendar from the holiday table.
 *
 * Loaded on first use and again every ten minutes, so a holiday added for
 * next year reaches every process without a restart.  If the database is
 * away the last calendar stays in use; with none at all, weekends only.
 * Days of a year whose notice is not out yet are in the table as the law
 * makes them, marked "chưa có thông báo" (sql/025); holiday_year says
 * which years those are.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "submission.h"

#define RELOAD_SECONDS 600
#define MAX_DAYS 4096

static long off[MAX_DAYS], work[MAX_DAYS];
static wd_calendar cal;
static time_t loaded;

const wd_calendar *calendar_get(db *d)
{
	time_t now = time(NULL);
	if (loaded && now - loaded < RELOAD_SECONDS)
		return &cal;
	db_stmt *s = STMT(d, "SELECT DATE_FORMAT(day, '%Y-%m-%d'), kind FROM holiday ORDER BY day");
	if (db_query(s, "") != 0)
		return &cal;
	size_t noff = 0, nwork = 0;
	static long o2[MAX_DAYS], w2[MAX_DAYS];
	while (db_fetch(s) == 1) {
		size_t n;
		const char *day = db_col(s, 0, &n), *kind = db_col(s, 1, NULL);
		long k = wd_parse(day, n);
		if (k == WD_NONE || !kind)
			continue;
		if (strcmp(kind, "swap_work") == 0) {
			if (nwork < MAX_DAYS && wd_weekday(k) >= 5)
				w2[nwork++] = k;
		} else if (noff < MAX_DAYS && wd_weekday(k) < 5) {
			o2[noff++] = k;
		}
	}
	memcpy(off, o2, noff * sizeof off[0]);
	memcpy(work, w2, nwork * sizeof work[0]);
	cal.off = off;
	cal.noff = noff;
	cal.work = work;
	cal.nwork = nwork;
	loaded = now;
	return &cal;
}

long today(void)
{
	return wd_day_of(time(NULL));
}

const char *day_vi(arena *a, long day)
{
	if (day == WD_NONE)
		return "";
	int y, m, d;
	wd_to_ymd(day, &y, &m, &d);
	return arena_printf(a, "%02d/%02d/%04d", d, m, y);
}
