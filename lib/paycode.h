/*
 * paycode.h - payment codes: what a person reads aloud at a desk or types
 * on a phone to find what they owe.
 *
 * A code is 12 digits, shown in three groups of four ("1234 5678 9012"):
 * 11 random digits (the first never 0, so no spreadsheet or phone keypad
 * drops it) and a Damm check digit.  Digits only, because they are the
 * same in every keyboard layout and read aloud without spelling; Damm
 * rather than Luhn because it catches every single-digit error and every
 * adjacent transposition (Luhn misses 09<->90) with one digit, and rather
 * than ISO 7064 mod 97-10 because it costs one digit, not two.
 *
 * Promises: pure functions over caller memory except paycode_generate,
 * which reads the OpenSSL CSPRNG (codes must not be guessable: the code
 * alone opens the payment page).  Thread-safe.
 */
#ifndef PORTAL_PAYCODE_H
#define PORTAL_PAYCODE_H

#include <stddef.h>

#define PAYCODE_LEN 12

/* Damm check digit (0..9) of s[0..n); -1 if a byte is not a digit. */
int damm_digit(const char *s, size_t n);

/* 1 if s[0..n) is all digits and its Damm interim is 0 (check digit included). */
int damm_valid(const char *s, size_t n);

/* A fresh code into out (PAYCODE_LEN digits + NUL).  0, or -1 if the
 * random generator failed. */
int paycode_generate(char out[PAYCODE_LEN + 1]);

/*
 * What a person typed -> the code: spaces, dots and hyphens between digits
 * are dropped ("1234 5678-9012").  0 with out filled when the result is
 * PAYCODE_LEN digits with a valid check digit, else -1.
 */
int paycode_normalize(const char *in, char out[PAYCODE_LEN + 1]);

/* "123456789012" -> "1234 5678 9012" (out holds 15 bytes). */
void paycode_format(const char *code, char out[PAYCODE_LEN + 3]);

#endif
