/*
 * catalog.h - the whole catalog, in memory, in each catalog process.
 *
 * 2,642 procedures with their details are about 20 MB of text: small
 * enough to hold, and holding them means a detail page or a search costs no
 * database round trip.  A snapshot is built from MariaDB into one arena and
 * never changed; when an import bumps catalog_meta.version the process
 * builds a new snapshot and drops the old one (the supervisor checks about
 * once a second, so an import shows within a second or two; see main.c).
 * If MariaDB is down or hangs the process keeps serving the snapshot it
 * has; a worker started meanwhile has the supervisor's.  Only a process
 * that has none at all (the database was away when the area started)
 * answers 503 until it can load one.
 */
#ifndef CATALOG_CATALOG_H
#define CATALOG_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "db.h"

enum { LV_MINISTRY = 1, LV_PROVINCE = 2, LV_COMMUNE = 4, LV_OTHER = 8 };
enum { ONLINE_NONE = 0, ONLINE_PARTIAL = 1, ONLINE_FULL = 2 };
enum { FEES_UNKNOWN = 0, FEES_FREE = 1, FEES_FEE = 2 };
enum { CH_DIRECT = 1, CH_ONLINE = 2, CH_POST = 3 };

typedef struct channel {
	int kind;
	int has_time, time_value, time_unit;
	int has_fee;
	long long fee;
	const char *fee_text;
} channel;

typedef struct document {
	const char *group, *name, *templates, *quantity;
} document;

typedef struct named {
	const char *code, *name;
} named;

typedef struct proc {
	int id;
	const char *code, *name;
	int field;                 /* index into catalog.fields, -1 none */
	const char *ministry;
	unsigned levels;
	const char *procedure_type, *decision_no, *implementing_agency;
	const char *competent_authority, *target_subjects, *receiving_address;
	const char *conditions, *steps_text;
	int online, online_derived;
	int fee_state;
	int has_fee_range;
	long long fee_min, fee_max;
	const char *fee_text;
	int has_time, time_value, time_unit;
	const char *time_text, *source_url;
	channel *channels;
	int nchannels;
	document *docs;
	int ndocs;
	named *results;
	int nresults;
	named *legal;
	int nlegal;
	const char *fold_name;     /* folded name: its words */
	int fold_len;
	const char *fold_phrases;  /* folded clauses joined by " | ", so a phrase
				    * match never spans a comma or a bracket */
	int phrases_len;
	const char *lower_name;    /* lower case, marks kept: "thuế" vs "thuê" */
	int name_rank;             /* position in folded-name order */
} proc;

typedef struct field {
	int id;
	const char *name;
	int count;
} field;

enum { AG_PROVINCE = 0, AG_OFFICE, AG_DEPARTMENT, AG_COMMUNE };

typedef struct agency {
	const char *code, *short_code, *name;
	int kind;
	const char *province_code, *commune_code, *ministry;
	const char *commune_type;
} agency;

typedef struct province {
	const char *code, *name, *short_name;
	int ncommunes;
} province;

struct search_index;

typedef struct catalog {
	arena *a;
	long long version;
	proc *procs;               /* sorted by code */
	int nprocs;
	int *by_name;              /* proc indexes in folded-name order */
	field *fields;             /* sorted by name */
	int nfields;
	agency *agencies;          /* home province: province, office, departments, communes */
	int nagencies;
	province *provinces;
	int nprovinces;
	const province *home;
	struct search_index *idx;
} catalog;

/* Load a snapshot; NULL (with the reason logged) if the database fails. */
catalog *catalog_load(db *d, const char *home_province);
void catalog_free(catalog *c);

/* Ask the database for the current version; -1 if it cannot answer. */
long long catalog_db_version(db *d);

const proc *catalog_find(const catalog *c, const char *code);
const agency *catalog_agency(const catalog *c, const char *code);
int catalog_field_index(const catalog *c, int field_id);

const char *channel_name_vi(int kind);

#endif
