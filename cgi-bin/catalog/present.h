/*
 * present.h - how the catalog says things to people: fees, times, levels
 * and online levels as plain Vietnamese, and a procedure as HDF for the
 * templates or as JSON for the API.  One place, so the page, the guide and
 * the API never disagree about what a procedure costs.
 */
#ifndef CATALOG_PRESENT_H
#define CATALOG_PRESENT_H

#include "buf.h"
#include "catalog.h"
#include "http.h"

const char *fee_summary_vi(arena *a, const proc *p);
const char *channel_fee_vi(arena *a, const channel *ch);
const char *time_vi(arena *a, int has, int value, int unit, const char *text);
const char *levels_vi(arena *a, unsigned levels);
const char *online_vi(int online);
const char *money_vi(arena *a, long long dong);   /* "120.000 đồng" */
const char *number_vi(arena *a, long long v);      /* 2642 -> "2.642" */

/* Put a procedure under prefix (e.g. "Proc" or "Results.3") in the page
 * data; full adds channels, documents, steps, results and legal basis. */
void proc_hdf(request *r, const catalog *c, const proc *p, const char *prefix, int full);
/* The same as a JSON object. */
void proc_json(buf *b, arena *a, const catalog *c, const proc *p, int full);

#endif
