/* paycode.c - payment codes with a Damm check digit (see paycode.h). */
#include <string.h>

#include <openssl/rand.h>

#include "paycode.h"

/* The weakly totally anti-symmetric quasigroup of order 10 from Damm's
 * thesis (2004), as everyone publishes it; the unit test checks the
 * properties we rely on rather than trusting this copy. */
static const unsigned char damm[10][10] = {
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
};

int damm_digit(const char *s, size_t n)
{
	unsigned interim = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		interim = damm[interim][s[i] - '0'];
	}
	return (int)interim;
}

int damm_valid(const char *s, size_t n)
{
	return n > 0 && damm_digit(s, n) == 0;
}

/* One uniformly random digit lo..9 (rejection sampling, no modulo bias). */
static int random_digit(int lo, char *out)
{
	unsigned char b;
	int span = 10 - lo, limit = 256 - 256 % span;

	do {
		if (RAND_bytes(&b, 1) != 1)
			return -1;
	} while (b >= limit);
	*out = (char)('0' + lo + b % span);
	return 0;
}

int paycode_generate(char out[PAYCODE_LEN + 1])
{
	for (int i = 0; i < PAYCODE_LEN - 1; i++)
		if (random_digit(i == 0 ? 1 : 0, &out[i]) < 0)
			return -1;
	out[PAYCODE_LEN - 1] = (char)('0' + damm_digit(out, PAYCODE_LEN - 1));
	out[PAYCODE_LEN] = '\0';
	return 0;
}

int paycode_normalize(const char *in, char out[PAYCODE_LEN + 1])
{
	size_t n = 0;

	if (!in)
		return -1;
	for (const char *p = in; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == PAYCODE_LEN)
				return -1;
			out[n++] = *p;
		} else if (*p != ' ' && *p != '.' && *p != '-') {
			return -1;
		}
	}
	out[n] = '\0';
	if (n != PAYCODE_LEN || out[0] == '0' || !damm_valid(out, n))
		return -1;
	return 0;
}

void paycode_format(const char *code, char out[PAYCODE_LEN + 3])
{
	size_t j = 0;

	for (size_t i = 0; i < PAYCODE_LEN && code[i]; i++) {
		if (i && i % 4 == 0)
			out[j++] = ' ';
		out[j++] = code[i];
	}
	out[j] = '\0';
}
