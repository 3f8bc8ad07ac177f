/*
 * fuzz_dossier_code.c - libFuzzer harness for lib/dossier_code.c.
 *
 * Whatever parses must format back to the very same bytes (the parser
 * accepts only canonical codes), and the agency part must pass the agency
 * check on its own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dossier_code.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_copy(data, size);
	if (!in)
		return 0;

	dossier_code c;
	if (dossier_code_parse(in, size, &c) == 0) {
		char out[DOSSIER_CODE_MAX];
		CHECK(agency_code_valid(c.agency, strlen(c.agency)));
		CHECK(dossier_code_format(out, c.agency, c.day, c.seq) == 0);
		CHECK(strlen(out) == size && memcmp(out, in, size) == 0);
		CHECK(dossier_code_valid(in, size));
	} else {
		CHECK(!dossier_code_valid(in, size));
	}
	free(in);
	return 0;
}
