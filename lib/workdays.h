/*
 * workdays.h - Vietnamese calendar days and working-day deadlines.
 *
 * A day is a count of days since 1970-01-01 in the proleptic Gregorian
 * calendar (a plain long: easy to compare, subtract and store).  "Today"
 * is the day in Asia/Ho_Chi_Minh, which has been UTC+7 without daylight
 * saving since 1975, so a fixed offset is exact for every date the portal
 * will ever see and needs no tz database in a chroot.
 *
 * What the module promises:
 *
 *  - A working day is Monday to Friday, unless the calendar lists it as
 *    off (holiday, nghỉ bù, hoán đổi), or a Saturday/Sunday the calendar
 *    lists as a make-up working day (làm bù).  The two lists are sorted
 *    ascending (wd_calendar_check says whether they are); lookups are
 *    binary searches, no allocation, no global state.
 *  - wd_add(c, d, n) is the n-th working day strictly after d: a dossier
 *    received on d with a limit of n working days is due at the end of
 *    that day (the day of receipt is not counted; Nghị định 61/2018 counts
 *    from the day after the full dossier is received).  n = 0 gives d if
 *    it is a working day, else the next working day.
 *  - wd_count(c, a, b) is the number of working days in (a, b]; 0 when
 *    b <= a.  wd_add(c, a, wd_count(c, a, b)) <= b, equal when b works.
 *    Pausing a clock keeps wd_count(pause, due); resuming on r sets
 *    due = wd_add(r, kept).
 *  - Bounded: n and the span are capped (WD_MAX_SPAN days), so a bad limit
 *    read from the catalog cannot loop for long; past the cap WD_NONE
 *    is returned.
 */
#ifndef PORTAL_WORKDAYS_H
#define PORTAL_WORKDAYS_H

#include <limits.h>
#include <stddef.h>
#include <time.h>

#define WD_UTC_OFFSET (7 * 3600)   /* Asia/Ho_Chi_Minh */
#define WD_MAX_SPAN   (366 * 20)   /* no deadline is twenty years away */
/* "No such day": days before 1970 are negative, so errors cannot be -1. */
#define WD_NONE       LONG_MIN

typedef struct wd_calendar {
	const long *off;    /* weekdays that are not worked, sorted */
	size_t noff;
	const long *work;   /* weekend days that are worked, sorted */
	size_t nwork;
} wd_calendar;

/* Day number of a civil date; WD_NONE if the date does not exist or the year is
 * outside 1900..9999. */
long wd_from_ymd(int y, int m, int d);
void wd_to_ymd(long day, int *y, int *m, int *d);
/* 0 Monday .. 6 Sunday. */
int wd_weekday(long day);
/* "YYYY-MM-DD" exactly (n bytes, no NUL needed); WD_NONE when malformed. */
long wd_parse(const char *s, size_t n);
/* Writes "YYYY-MM-DD" and a NUL. */
void wd_format(long day, char out[11]);

/* The Vietnamese day of a Unix time, and the Unix time of the first second
 * of a Vietnamese day. */
long wd_day_of(time_t t);
time_t wd_start_of(long day);

/* 1 when both lists are strictly ascending, else 0. */
int wd_calendar_check(const wd_calendar *c);
int wd_is_working(const wd_calendar *c, long day);
long wd_add(const wd_calendar *c, long day, int n);
/* -1 when b - a exceeds WD_MAX_SPAN. */
int wd_count(const wd_calendar *c, long a, long b);

/* Units of a procedure's time limit, as the catalog stores them. */
enum { WD_UNIT_WORKING_DAY, WD_UNIT_DAY, WD_UNIT_HOUR, WD_UNIT_MONTH };

/*
 * Due day of a dossier received on `day` with a limit of `value` `unit`s:
 * working days by wd_add; calendar days and months moved forward to a
 * working day when they land on one that is not; hours are rounded up
 * to whole working days of 8 hours and counted like working days (a
 * 4-hour limit received late in the afternoon ends on the next working
 * day at the latest).  WD_NONE on a negative or
 * absurd value.
 */
long wd_due(const wd_calendar *c, long day, int value, int unit);

#endif
