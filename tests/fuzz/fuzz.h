/*
 * fuzz.h - what every libFuzzer harness here needs: a check that aborts
 * (so libFuzzer keeps the input), one arena reset per input, and an
 * exact-size copy of the input (no NUL after it, so ASan sees any read past
 * the end).
 */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static inline arena *fuzz_arena(void)
{
	static arena *a;
	if (!a)
		a = arena_new(4096);
	arena_reset(a);
	return a;
}

/* The caller frees it; NULL only when out of memory (skip the input). */
static inline char *fuzz_copy(const uint8_t *data, size_t size)
{
	char *in = malloc(size ? size : 1);
	if (in)
		memcpy(in, data, size);
	return in;
}

#endif
