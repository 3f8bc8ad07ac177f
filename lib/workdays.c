/*
 * workdays.c - see workdays.h.
 *
 * Civil-date arithmetic is Howard Hinnant's days_from_civil/civil_from_days
 * (public domain): exact for the proleptic Gregorian calendar, no tables,
 * no libc time functions (which depend on TZ and locale).
 */
#include "workdays.h"

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

long wd_from_ymd(int y, int m, int d)
{
	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return WD_NONE;
	y -= m <= 2;
	long era = y / 400;                      /* y >= 1899: no negative eras */
	long yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void wd_to_ymd(long day, int *y, int *m, int *d)
{
	long z = day + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);

	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = mm;
	*d = dd;
}

int wd_weekday(long day)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	long w = (day + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

static int digits(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

long wd_parse(const char *s, size_t n)
{
	if (!s || n != 10 || s[4] != '-' || s[7] != '-')
		return WD_NONE;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0)
		return WD_NONE;
	return wd_from_ymd(y, m, d);
}

void wd_format(long day, char out[11])
{
	int y, m, d;

	wd_to_ymd(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = m = d = 0;  /* out of range: keep the 10-character shape */
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

long wd_day_of(time_t t)
{
	long long s = (long long)t + WD_UTC_OFFSET;
	long long q = s / 86400;
	if (s % 86400 < 0)
		q--;
	return (long)q;
}

time_t wd_start_of(long day)
{
	return (time_t)((long long)day * 86400 - WD_UTC_OFFSET);
}

static int ascending(const long *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i] <= v[i - 1])
			return 0;
	return 1;
}

int wd_calendar_check(const wd_calendar *c)
{
	return (c->noff == 0 || c->off) && (c->nwork == 0 || c->work) &&
	       ascending(c->off, c->noff) && ascending(c->work, c->nwork);
}

static int listed(const long *v, size_t n, long day)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] == day)
			return 1;
		if (v[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int wd_is_working(const wd_calendar *c, long day)
{
	if (wd_weekday(day) >= 5)
		return c && listed(c->work, c->nwork, day);
	return !c || !listed(c->off, c->noff, day);
}

long wd_add(const wd_calendar *c, long day, int n)
{
	if (n < 0 || n > WD_MAX_SPAN)
		return WD_NONE;
	if (n == 0) {
		for (long k = 0; k <= WD_MAX_SPAN; k++, day++)
			if (wd_is_working(c, day))
				return day;
		return WD_NONE;
	}
	for (long k = 0; k <= WD_MAX_SPAN; k++) {
		day++;
		if (wd_is_working(c, day) && --n == 0)
			return day;
	}
	return WD_NONE;
}

int wd_count(const wd_calendar *c, long a, long b)
{
	int n = 0;

	if (b <= a)
		return 0;
	if (b - a > WD_MAX_SPAN)
		return -1;
	for (long d = a + 1; d <= b; d++)
		n += wd_is_working(c, d);
	return n;
}

long wd_due(const wd_calendar *c, long day, int value, int unit)
{
	if (value < 0)
		return WD_NONE;
	switch (unit) {
	case WD_UNIT_WORKING_DAY:
		return wd_add(c, day, value);
	case WD_UNIT_HOUR:
		if (value > WD_MAX_SPAN * 8)
			return WD_NONE;
		return wd_add(c, day, value == 0 ? 0 : (value + 7) / 8);
	case WD_UNIT_DAY:
		if (value > WD_MAX_SPAN)
			return WD_NONE;
		return wd_add(c, day + value, 0);
	case WD_UNIT_MONTH: {
		int y, m, d;
		if (value > WD_MAX_SPAN / 31)
			return WD_NONE;
		wd_to_ymd(day, &y, &m, &d);
		m += value;
		y += (m - 1) / 12;
		m = (m - 1) % 12 + 1;
		/* 31 January + 1 month is the last day of February. */
		if (d > month_days(y, m))
			d = month_days(y, m);
		long to = wd_from_ymd(y, m, d);
		return to == WD_NONE ? WD_NONE : wd_add(c, to, 0);
	}
	default:
		return WD_NONE;
	}
}
