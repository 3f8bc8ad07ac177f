/*
 * render.h - HDF + ClearSilver pages.
 *
 * Templates are parsed once per process and kept; each request gets a fresh
 * HDF that is swapped into the parse tree for rendering, so a page costs a
 * tree walk, not a parse.  Escaping is on for every var: (VarEscapeMode
 * html, set before cs_init as ClearSilver reads it only there).  A global
 * HDF, built once by the area, holds what every page shows (site name, home
 * province, navigation); ClearSilver falls back to it when the request's HDF
 * has no such name.
 *
 * Never put user input in an HDF *name*: dots create children.  Names here
 * are built by code from fixed words and indexes only.
 */
#ifndef PORTAL_RENDER_H
#define PORTAL_RENDER_H

#include "http.h"

typedef struct _hdf HDF;

/* dirs: NULL-terminated search path (area templates first, then lib's). */
int render_init(const char *const *dirs);
HDF *render_globals(void);

/* Site-wide page data, set when it changes (not per request). */
void global_set(const char *name, const char *value);
void global_setf(const char *value, const char *namefmt, ...)
    __attribute__((format(printf, 2, 3)));
void global_clear(const char *top);

/* The request's HDF, created on first use; freed by render_end(). */
HDF *req_hdf(request *r);
void render_end(request *r);

void hset(request *r, const char *name, const char *value);
void hsetn(request *r, const char *name, const char *value, size_t n);
void hset_int(request *r, const char *name, long long v);
void hsetf(request *r, const char *value, const char *namefmt, ...)
    __attribute__((format(printf, 3, 4)));
void hset_intf(request *r, long long v, const char *namefmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Render a template into the body as text/html; returns 200, or 500 after
 * logging the ClearSilver error. */
int render(request *r, const char *tmpl);

/* The one error renderer: HTML page (error.cs) or JSON, by route. */
void render_error(request *r, int status);

#endif
