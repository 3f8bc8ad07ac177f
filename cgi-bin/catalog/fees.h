/*
 * fees.h - reading the national catalog's fee and time texts (the catalog
 * area's own: no other area parses them).
 *
 * Money is a whole number of đồng in a long long.  The national catalog's
 * fee texts are noisy ("120 VND" where the fee is 120.000, "Miễn phí(do Ủy
 * ban nhân dân cấp tỉnh quy định)" where it is not free): fee_parse() says
 * FEE_AMOUNT or FEE_FREE only when the text leaves no doubt, and FEE_UNKNOWN
 * otherwise, so a page shows the original text rather than a wrong number.
 */
#ifndef CATALOG_FEES_H
#define CATALOG_FEES_H

enum fee_kind {
	FEE_UNKNOWN = 0,  /* show the original text */
	FEE_FREE = 1,     /* sure: no fee */
	FEE_AMOUNT = 2,   /* sure: *amount đồng */
};

int fee_parse(const char *text, long long *amount);

enum time_unit {
	TU_NONE = 0,        /* the source gives no unit */
	TU_WORKING_DAY = 1,
	TU_DAY = 2,
	TU_HOUR = 3,
	TU_MONTH = 4,
};

/* "5 Ngày làm việc" -> 5, TU_WORKING_DAY; "1" -> 1, TU_NONE; returns -1
 * when there is no leading number. */
int time_parse(const char *text, int *value, int *unit);
/* The unit as the catalog writes it ("Ngày làm việc") -> enum; -1 unknown. */
int time_unit_parse(const char *unit);
const char *time_unit_db(int unit);     /* "working_day" ... or NULL */
int time_unit_from_db(const char *s);
const char *time_unit_vi(int unit);     /* "ngày làm việc" ... */

#endif
