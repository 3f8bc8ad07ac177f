/* handlers.h - the catalog's route handlers and the state they share. */
#ifndef CATALOG_HANDLERS_H
#define CATALOG_HANDLERS_H

#include "catalog.h"
#include "http.h"
#include "search.h"

/* The snapshot this process serves, NULL until one could be loaded. */
extern catalog *current;

int h_home(request *r);
int h_search(request *r);
int h_procedure(request *r);
int h_guide(request *r);
int h_qr_svg(request *r);
int h_qr_png(request *r);
int h_agencies(request *r);
int h_agency(request *r);
int h_api_search(request *r);
int h_api_procedure(request *r);
int h_health(request *r);

/* Rebuild the site-wide page data after a new snapshot. */
void catalog_globals(const catalog *c);

/* Read the search filters shared by the page and the API. */
int read_filters(request *r, search_query *q, int per_page);
const char *page_base_url(request *r);
/* After a search: count a query that found nothing. */
void note_search(request *r, const search_query *q, const search_result *res);
/* The worker's database connection (set by main.c). */
extern db *catalog_db;

int h_admin_misses(request *r);

#endif
