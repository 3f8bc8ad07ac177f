/*
 * dossier_code.c - see dossier_code.h.
 */
#include <stdio.h>
#include <string.h>

#include "dossier_code.h"
#include "workdays.h"

int agency_code_valid(const char *v, size_t n)
{
	/* 000.00.12.H26: dot-separated groups of digits, then ".Xdd" */
	if (!v || n < 5 || n > AGENCY_CODE_MAX)
		return 0;
	size_t run = 0;
	for (size_t i = 0; i + 4 < n; i++) {
		if (v[i] >= '0' && v[i] <= '9')
			run++;
		else if (v[i] == '.' && run > 0)
			run = 0;
		else
			return 0;
	}
	return run > 0 && v[n - 4] == '.' && v[n - 3] >= 'A' && v[n - 3] <= 'Z' &&
	       v[n - 2] >= '0' && v[n - 2] <= '9' && v[n - 1] >= '0' && v[n - 1] <= '9';
}

int dossier_code_format(char out[DOSSIER_CODE_MAX], const char *agency, long day, long seq)
{
	int y, m, d;
	size_t an = agency ? strlen(agency) : 0;

	if (!agency_code_valid(agency, an) || seq < 1 || seq > DOSSIER_SEQ_MAX ||
	    day == WD_NONE)
		return -1;
	wd_to_ymd(day, &y, &m, &d);
	if (y < 2000 || y > 2099)
		return -1;
	int w = snprintf(out, DOSSIER_CODE_MAX, "%s-%02d%02d%02d-%04ld", agency,
			 y - 2000, m, d, seq);
	return w > 0 && w < DOSSIER_CODE_MAX ? 0 : -1;
}

static int num(const char *s, size_t n, long *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int dossier_code_parse(const char *v, size_t n, dossier_code *out)
{
	if (!v || n > DOSSIER_CODE_MAX - 1)
		return -1;
	const char *d2 = memrchr(v, '-', n);
	if (!d2)
		return -1;
	const char *d1 = memrchr(v, '-', (size_t)(d2 - v));
	if (!d1)
		return -1;

	size_t an = (size_t)(d1 - v);
	size_t dn = (size_t)(d2 - d1 - 1);
	size_t sn = n - (size_t)(d2 - v) - 1;
	if (!agency_code_valid(v, an) || dn != 6 || sn < 4 || sn > 6)
		return -1;

	long yy, mm, dd, seq;
	if (num(d1 + 1, 2, &yy) || num(d1 + 3, 2, &mm) || num(d1 + 5, 2, &dd) ||
	    num(d2 + 1, sn, &seq))
		return -1;
	/* canonical: four digits, or more only when needed */
	if (seq < 1 || (sn > 4 && d2[1] == '0'))
		return -1;
	long day = wd_from_ymd(2000 + (int)yy, (int)mm, (int)dd);
	if (day == WD_NONE)
		return -1;
	if (out) {
		memcpy(out->agency, v, an);
		out->agency[an] = '\0';
		out->day = day;
		out->seq = seq;
	}
	return 0;
}

int dossier_code_valid(const char *v, size_t n)
{
	return dossier_code_parse(v, n, NULL) == 0;
}
