/*
 * doubled.h - a function word the national catalog typed twice.
 *
 * The catalog's texts carry about a hundred slips of the keyboard such as
 * "ban hành kèm theo theo Nghị định", "nộp trực tiếp tại tại Trung tâm",
 * "Nghị định số 70/2025/NĐ-CP ngày ngày 20 tháng 3", which a citizen reads
 * on every page of those procedures.  Vietnamese repeats many words on
 * purpose ("trường hợp hợp đồng", "hành vi vi phạm", "thi công công trình",
 * "Luật Luật sư", "ngày ngày" = every day), so only words that a sentence
 * never says twice in a row are folded: prepositions and conjunctions
 * (theo, tại, hoặc, và, về, của, các, được, cho, với, để, đến, khi; but
 * "của của cải", of property, is two words), and
 * "ngày"/"số" only before a number ("ngày ngày 05/02/2024", "số số 61/…").
 * The first may be capitalised at a sentence's start; the second must be
 * the same word in lower case, one space between, whole words on both
 * sides.  The catalog area's own: only its import uses it.
 */
#ifndef CATALOG_DOUBLED_H
#define CATALOG_DOUBLED_H

#include <stddef.h>

/* Fold each such pair in s to its first word, in place (the text only
 * shrinks); returns how many were folded. */
size_t undouble_words(char *s);

#endif
