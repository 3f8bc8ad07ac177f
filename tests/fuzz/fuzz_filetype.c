/*
 * fuzz_filetype.c - libFuzzer harness for lib/filetype.c.
 *
 * Seeds are real PDF, JPEG and PNG files (tests/fuzz/corpus/filetype).
 * Besides memory errors (the input is an exact-size copy, so any read past
 * the end is caught), it checks what the header promises: the answer is one
 * of the four kinds, the same when asked twice, the kind's own signature is
 * at the start, and a file one byte shorter than an accepted PNG or JPEG
 * (whose end markers must be last) is never accepted too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filetype.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *in = (unsigned char *)fuzz_copy(data, size);
	if (!in)
		return 0;

	int k = filetype_detect(in, size);
	CHECK(k == FILE_NONE || k == FILE_PDF || k == FILE_JPEG || k == FILE_PNG);
	CHECK(filetype_detect(in, size) == k);
	switch (k) {
	case FILE_PDF:
		CHECK(size >= 8 && memcmp(in, "%PDF-", 5) == 0);
		break;
	case FILE_JPEG:
		CHECK(size >= 4 && in[0] == 0xff && in[1] == 0xd8);
		if (in[size - 1] == 0xd9)
			CHECK(filetype_detect(in, size - 1) == FILE_NONE);
		break;
	case FILE_PNG:
		CHECK(size >= 8 && memcmp(in, "\x89PNG\r\n\x1a\n", 8) == 0);
		CHECK(filetype_detect(in, size - 1) == FILE_NONE);
		break;
	}
	if (k != FILE_NONE)
		CHECK(filetype_name(k) && filetype_mime(k) && filetype_ext(k));
	free(in);
	return 0;
}
