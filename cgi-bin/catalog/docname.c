/* docname.c - see docname.h for what it cuts and why. */
#include <ctype.h>
#include <string.h>

#include "docname.h"
#include "vntext.h"

/* Extensions of the templates the catalog links to; longer first so that
 * ".docx" is not taken for ".doc" + "x". */
static const char *const exts[] = {".docx", ".doc", ".xlsx", ".xls", ".pdf", ".rar", ".zip", NULL};

/* Length of the extension at s, or 0. */
static size_t ext_at(const char *s)
{
	for (int i = 0; exts[i]; i++) {
		size_t n = strlen(exts[i]);
		if (strncasecmp(s, exts[i], n) == 0)
			return n;
	}
	return 0;
}

/* The text folded one character at a time, so that a position in the
 * folded text is a position of a character in the original: f[i] is the
 * i-th character's base letter or digit (lowercase ASCII), or, for any
 * other character, itself when ASCII and '?' otherwise; at[i] is the
 * byte where that character starts. */
typedef struct {
	char *f;
	size_t *at;
	size_t n;
} folded;

static void fold_chars(arena *a, const char *s, size_t len, folded *out)
{
	out->f = arena_alloc(a, len + 1);
	out->at = arena_alloc(a, (len + 1) * sizeof *out->at);
	out->n = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp = 0xFFFD;
		size_t k = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (k == 0) {   /* one invalid byte: a character of its own */
			k = 1;
			cp = 0xFFFD;
		}
		char one[8];
		size_t m = vn_fold(s + i, k, one);
		out->at[out->n] = i;
		out->f[out->n++] = m == 1 ? one[0] : (cp < 0x80 ? (char)cp : '?');
		i += k;
	}
	out->at[out->n] = len;
	out->f[out->n] = '\0';
}

/* Does a template's name start at folded position i?  The words the
 * catalog's template files begin with: "Mẫu"/"Mau", "Phụ lục"/"Phulu…",
 * "PHLC", and the short forms followed by a digit ("Mus05", "Ms03",
 * "PL2", "TK01"). */
static int starter_at(const folded *t, size_t i)
{
	static const char *const words[] = {"mau", "phu luc", "phuluc", "phlc", NULL};
	static const char *const shorts[] = {"mus", "ms", "pl", "tk", NULL};
	const char *p = t->f + i;
	for (int k = 0; words[k]; k++)
		if (strncmp(p, words[k], strlen(words[k])) == 0)
			return 1;
	for (int k = 0; shorts[k]; k++) {
		size_t n = strlen(shorts[k]);
		if (strncmp(p, shorts[k], n) == 0 && isdigit((unsigned char)p[n]))
			return 1;
	}
	return 0;
}

int doc_split(arena *a, const char *name, const char *templates,
	      const char **name_out, const char **templates_out)
{
	*name_out = name;
	*templates_out = templates;
	if (!name || !templates || !*templates)
		return 0;
	const char *full = arena_printf(a, "%s %s", name, templates);
	size_t len = strlen(full);
	folded t;
	fold_chars(a, full, len, &t);

	/* where the first file's extension is (in characters) */
	size_t end = 0;
	for (size_t i = 0; i < t.n && !end; i++)
		if (full[t.at[i]] == '.' && ext_at(full + t.at[i]))
			end = i;
	if (!end)
		return 0;

	size_t glued = 0, punct = 0;
	for (size_t i = 1; i < end && !glued; i++) {
		char prev = t.f[i - 1], c = t.f[i];
		if (!isspace((unsigned char)prev) && prev != '(' && starter_at(&t, i))
			glued = i;
		if (!punct && (prev == '.' || prev == ';') &&
		    !isspace((unsigned char)c) &&
		    !(isdigit((unsigned char)c) && i >= 2 && isdigit((unsigned char)t.f[i - 2])))
			punct = i;
	}
	size_t cut = glued ? glued : punct;
	if (!cut)
		return 0;
	size_t nlen = t.at[cut];
	while (nlen > 0 && strchr(" .;:", full[nlen - 1]))
		nlen--;
	if (nlen < 8)
		return 0;

	/* the files, each extension followed by "; " when another file is
	 * glued to it */
	const char *files = full + t.at[cut];
	size_t flen = strlen(files);
	while (flen > 0 && isspace((unsigned char)files[flen - 1]))
		flen--;
	char *out = arena_alloc(a, flen * 3 + 1), *o = out;
	for (size_t i = 0; i < flen;) {
		size_t e = files[i] == '.' ? ext_at(files + i) : 0;
		if (e) {
			memcpy(o, files + i, e);
			o += e;
			i += e;
			if (i < flen && !strchr(" ;,)", files[i])) {
				*o++ = ';';
				*o++ = ' ';
			}
			continue;
		}
		*o++ = files[i++];
	}
	*o = '\0';
	*name_out = arena_strndup(a, full, nlen);
	*templates_out = out;
	return 1;
}
