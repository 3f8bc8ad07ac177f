/* fees.c - see fees.h */
#include "fees.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static int starts(const char *p, const char *word)
{
	return strncmp(p, word, strlen(word)) == 0;
}

/* Currency words after an amount; returns their length or 0. */
static size_t currency(const char *p)
{
	static const char *const words[] = {
		"Việt Nam Đồng", "VNĐ", "VND", "đồng", "Đồng", "đ", NULL,
	};
	for (int i = 0; words[i]; i++)
		if (starts(p, words[i]))
			return strlen(words[i]);
	return 0;
}

/* An amount as written: 100.000 or 100,000 (groups of three), or plain
 * digits.  Returns the number of bytes read, 0 if none, and *grouped. */
static size_t read_amount(const char *p, long long *v, int *grouped)
{
	const char *s = p;
	long long x = 0;
	int digits = 0;
	*grouped = 0;
	while (isdigit((unsigned char)*p)) {
		if (x > 100000000000000LL)
			return 0;
		x = x * 10 + (*p++ - '0');
		digits++;
	}
	if (!digits)
		return 0;
	if (digits <= 3) {
		char sep = p[0];  /* one number uses one separator throughout */
		while ((sep == '.' || sep == ',') && p[0] == sep && isdigit((unsigned char)p[1]) &&
		       isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
		       !isdigit((unsigned char)p[4])) {
			x = x * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
			p += 4;
			*grouped = 1;
			if (x > 100000000000000LL)
				return 0;
		}
		/* "1.000,000": the other separator right after a group */
		if (*grouped && (p[0] == '.' || p[0] == ',') && p[0] != sep &&
		    isdigit((unsigned char)p[1]))
			return 0;
	}
	*v = x;
	return (size_t)(p - s);
}

/* Every amount with a currency inside a description must equal the fee;
 * a description naming another amount means we cannot be sure. */
static int description_agrees(const char *p, long long amount)
{
	while (*p) {
		/* p starts at '(', so p[-1] is always inside the text */
		if (isdigit((unsigned char)*p) && !isdigit((unsigned char)p[-1])) {
			long long v;
			int grouped;
			size_t n = read_amount(p, &v, &grouped);
			if (!n)
				return 0;  /* a number we cannot read: not sure */
			const char *after = skip_space(p + n);
			/* "02 triệu đồng", "500 nghìn đồng": amounts in words */
			long long scale = 1;
			if (starts(after, "triệu"))
				scale = 1000000, after = skip_space(after + strlen("triệu"));
			else if (starts(after, "nghìn"))
				scale = 1000, after = skip_space(after + strlen("nghìn"));
			else if (starts(after, "ngàn"))
				scale = 1000, after = skip_space(after + strlen("ngàn"));
			/* compare by division: v * scale may not fit */
			if ((currency(after) || scale > 1) &&
			    (amount % scale != 0 || v != amount / scale))
				return 0;
			p += n ? n : 1;
			continue;
		}
		p++;
	}
	return 1;
}

/* "Miễn phí" alone, or followed by a note that only says "none". */
static int surely_free(const char *p)
{
	static const char *const none[] = {
		"", "(Không)", "(không)", "(Không có)", "(không có)",
		"(Không quy định)", "(Không quy định.)", "(không quy định)",
		"(Không thu)", "(không thu)", "(Miễn phí)", NULL,
	};
	p = skip_space(p);
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	for (int i = 0; none[i]; i++)
		if (strlen(none[i]) == n && strncmp(p, none[i], n) == 0)
			return 1;
	return 0;
}

int fee_parse(const char *text, long long *amount)
{
	*amount = 0;
	if (!text)
		return FEE_UNKNOWN;
	const char *p = skip_space(text);
	if (starts(p, "Miễn phí"))
		return surely_free(p + strlen("Miễn phí")) ? FEE_FREE : FEE_UNKNOWN;
	if (starts(p, "Không thu phí") || starts(p, "Không thu lệ phí"))
		return surely_free(p + strlen(starts(p, "Không thu phí") ? "Không thu phí" : "Không thu lệ phí"))
			       ? FEE_FREE : FEE_UNKNOWN;

	long long v;
	int grouped;
	size_t n = read_amount(p, &v, &grouped);
	if (!n)
		return FEE_UNKNOWN;
	p = skip_space(p + n);
	size_t c = currency(p);
	if (!c)
		return FEE_UNKNOWN;
	p = skip_space(p + c);
	/* Real fees are whole thousands of đồng; "120 VND" is a scraping
	 * accident, not a fee of one hundred and twenty đồng. */
	if (v < 1000 || v % 500 != 0)
		return FEE_UNKNOWN;
	if (*p == '(') {
		if (!description_agrees(p, v))
			return FEE_UNKNOWN;
	} else if (*p) {
		return FEE_UNKNOWN;
	}
	*amount = v;
	return v == 0 ? FEE_FREE : FEE_AMOUNT;
}

static const struct {
	const char *text, *db, *vi;
	int unit;
} units[] = {
	{"Ngày làm việc", "working_day", "ngày làm việc", TU_WORKING_DAY},
	{"ngày làm việc", "working_day", "ngày làm việc", TU_WORKING_DAY},
	{"Ngày", "day", "ngày", TU_DAY},
	{"ngày", "day", "ngày", TU_DAY},
	{"Giờ", "hour", "giờ", TU_HOUR},
	{"giờ", "hour", "giờ", TU_HOUR},
	{"Tháng", "month", "tháng", TU_MONTH},
	{"tháng", "month", "tháng", TU_MONTH},
};

int time_unit_parse(const char *u)
{
	if (!u)
		return -1;
	u = skip_space(u);
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		size_t n = strlen(units[i].text);
		if (strncmp(u, units[i].text, n) == 0 && *skip_space(u + n) == '\0')
			return units[i].unit;
	}
	return -1;
}

int time_parse(const char *text, int *value, int *unit)
{
	*value = 0;
	*unit = TU_NONE;
	if (!text)
		return -1;
	const char *p = skip_space(text);
	if (!isdigit((unsigned char)*p))
		return -1;
	char *end;
	long v = strtol(p, &end, 10);
	if (v < 0 || v > 100000)
		return -1;
	*value = (int)v;
	p = skip_space(end);
	if (!*p)
		return 0;
	int u = time_unit_parse(p);
	if (u < 0)
		return -1;
	*unit = u;
	return 0;
}

const char *time_unit_db(int unit)
{
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (units[i].unit == unit)
			return units[i].db;
	return NULL;
}

int time_unit_from_db(const char *s)
{
	if (!s)
		return TU_NONE;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(units[i].db, s) == 0)
			return units[i].unit;
	return TU_NONE;
}

const char *time_unit_vi(int unit)
{
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (units[i].unit == unit)
			return units[i].vi;
	return "";
}
