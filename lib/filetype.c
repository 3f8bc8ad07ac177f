/* filetype.c - see filetype.h.  Signatures at both ends of the file. */
#include "filetype.h"

#include <string.h>

#include "form.h"

int filetype_detect(const unsigned char *p, size_t n)
{
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0 && n >= 20 &&
	    memcmp(p + n - 8, "IEND", 4) == 0)
		return FILE_PNG;
	if (n >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF && p[n - 2] == 0xFF &&
	    p[n - 1] == 0xD9)
		return FILE_JPEG;
	if (n >= 8 && memcmp(p, "%PDF-1.", 7) == 0) {
		size_t tail = n < 1024 ? n : 1024;
		const unsigned char *t = p + n - tail;
		for (size_t i = 0; i + 5 <= tail; i++)
			if (memcmp(t + i, "%%EOF", 5) == 0)
				return FILE_PDF;
	}
	return 0;
}
