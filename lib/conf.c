/* conf.c - see conf.h */
#include "conf.h"

#include <errno.h>
#include <stdlib.h>

const char *conf_str(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

long long conf_int(const char *name, long long def)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return def;
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	return errno || *end ? def : x;
}

long long conf_bytes(const char *name, long long def)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return def;
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (errno || x < 0)
		return def;
	switch (*end) {
	case '\0': return x;
	case 'k': case 'K': return end[1] ? def : x << 10;
	case 'm': case 'M': return end[1] ? def : x << 20;
	case 'g': case 'G': return end[1] ? def : x << 30;
	default: return def;
	}
}
