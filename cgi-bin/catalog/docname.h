/*
 * docname.h - a document's name and its template files, pulled apart.
 *
 * The national catalog's scraper flattened "document name + the template
 * files to download" into one text and split it at the last space before
 * the file's extension, so 2,288 of its documents read like
 * "… theo quy địnhMauon" with templates "(2).docx": the file's name glued
 * to the document's, half on each side.  doc_split() joins the two again
 * and cuts where the first template file begins: a template word glued to
 * the text before it ("địnhMauon", "BNNMTMẫu số 03", ";Phụ lục số 07",
 * "CPMus05"), or else the first '.' or ';' followed by a non-space (".M01b",
 * ";1.nxin…").  It only cuts when it is sure enough: no extension, no such
 * boundary, or a name left shorter than 8 bytes leaves both as they came.
 * Several files glued together ("Mau06.docxMau08.docx") come back
 * separated by "; ".  The catalog area's own: only its import uses it.
 */
#ifndef CATALOG_DOCNAME_H
#define CATALOG_DOCNAME_H

#include "arena.h"

/* *name_out and *templates_out are set (arena strings, or the inputs when
 * nothing is cut); returns 1 when it cut, 0 when it left them. */
int doc_split(arena *a, const char *name, const char *templates,
	      const char **name_out, const char **templates_out);

#endif
