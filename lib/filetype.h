/*
 * filetype.h - what a file is, from its bytes alone.
 *
 * An upload's name and declared type come from the client and are never
 * trusted; this looks at the content.
 */
#ifndef PORTAL_FILETYPE_H
#define PORTAL_FILETYPE_H

#include <stddef.h>

/* FILE_PDF, FILE_JPEG or FILE_PNG (form.h), or 0 when it is none of them. */
int filetype_detect(const unsigned char *p, size_t n);

#endif
