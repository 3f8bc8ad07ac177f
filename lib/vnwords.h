/*
 * vnwords.h - an amount of đồng in Vietnamese words, as a receipt writes
 * it under the figures: 150000 -> "Một trăm năm mươi nghìn đồng".
 *
 * Conventions (those of accounting and invoicing software in Vietnam,
 * and of the examples in TT 78/2021/TT-BTC's annexes):
 *  - groups of three digits named nghìn, triệu, tỷ; above tỷ the names
 *    repeat: 10^12 = "một nghìn tỷ", 10^15 = "một triệu tỷ";
 *  - a group after a larger non-zero part is read in full, so its zero
 *    hundreds are said: 1.005.000 = "một triệu không trăm linh năm nghìn";
 *    a group that is all zeros is skipped: 1.000.005 = "một triệu không
 *    trăm linh năm";
 *  - a zero tens before a unit is "linh" (105 = "một trăm linh năm");
 *    10..19 start with "mười"; 20.. with "hai mươi";
 *  - unit 1 after "mươi" is "mốt" (21 = "hai mươi mốt"), after "mười" and
 *    "linh" it is "một"; unit 5 after any tens is "lăm" (15 = "mười lăm",
 *    25 = "hai mươi lăm"), after "linh" it is "năm"; unit 4 stays "bốn"
 *    (the form of formal documents; "tư" is colloquial);
 *  - the first letter is upper case; the text ends with " đồng".
 *
 * Pure, no allocation except growing the caller's buf; thread-safe.
 */
#ifndef PORTAL_VNWORDS_H
#define PORTAL_VNWORDS_H

#include "buf.h"

#define VNWORDS_MAX 1000000000000000LL   /* 10^15 */

/* Append the words for v (0..VNWORDS_MAX) followed by " đồng";
 * -1 (nothing appended) when v is outside that range. */
int vn_amount_words(buf *out, long long v);

/* The number alone, lower case, no unit: 21 -> "hai mươi mốt". */
int vn_number_words(buf *out, long long v);

#endif
