/*
 * dossier_code.h - dossier codes in the national format.
 *
 *   {agency code}-{YYMMDD}-{NNNN}      000.00.12.H26-240115-0001
 *
 * The agency code is the receiving agency's QCVN 102:2016 code (groups of
 * digits separated by dots, the last group a capital letter and two
 * digits); YYMMDD is the day the dossier was received in Asia/Ho_Chi_Minh,
 * years 2000–2099; NNNN counts from 0001 per agency and day.  Should an
 * agency ever receive more than 9,999 dossiers in one day the number
 * simply grows a digit (10000), which stays unique and sorts after 9999
 * within the day, rather than refusing a citizen's dossier.
 *
 * What the module promises:
 *  - dossier_code_parse() accepts exactly the strings dossier_code_format()
 *    produces (canonical form: no extra leading zeros, a real calendar
 *    date, a sequence of 1 or more), so a code can be compared as text.
 *  - No allocation, no global state; the parser is fuzzed.
 */
#ifndef PORTAL_DOSSIER_CODE_H
#define PORTAL_DOSSIER_CODE_H

#include <stddef.h>

#define AGENCY_CODE_MAX 20
#define DOSSIER_SEQ_MAX 999999L
/* agency (20) + "-" + YYMMDD + "-" + up to 6 digits + NUL */
#define DOSSIER_CODE_MAX (AGENCY_CODE_MAX + 1 + 6 + 1 + 6 + 1)

typedef struct dossier_code {
	char agency[AGENCY_CODE_MAX + 1];
	long day;          /* workdays.h day number */
	long seq;          /* 1.. */
} dossier_code;

/* 1 when v[0..n-1] is an agency code as above. */
int agency_code_valid(const char *v, size_t n);

/* Writes the code and a NUL; -1 (out untouched) on an invalid agency,
 * a day outside 2000–2099 or a sequence outside 1..DOSSIER_SEQ_MAX. */
int dossier_code_format(char out[DOSSIER_CODE_MAX], const char *agency, long day, long seq);

/* 0 and *out filled, or -1. */
int dossier_code_parse(const char *v, size_t n, dossier_code *out);

/* For field specs (FT_PATTERN): 1 when valid. */
int dossier_code_valid(const char *v, size_t n);

#endif
