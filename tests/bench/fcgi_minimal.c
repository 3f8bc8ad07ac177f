/* fcgi_minimal.c - the baseline of `make bench`: a libfcgi responder that
 * does nothing but answer, run the same way as the areas (N forked
 * processes on one socket), so the bench prints our pages as a ratio of it. */
#include <stdio.h>

#include "fcgi_fork.h"

static void serve(int fd)
{
	FCGX_Request r;
	FCGX_InitRequest(&r, fd, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		static const char resp[] =
			"Status: 200 OK\r\nContent-Type: text/plain\r\n"
			"Content-Length: 3\r\n\r\nok\n";
		FCGX_PutStr(resp, sizeof resp - 1, r.out);
		/* closed at once, as lib/server.c's finish() does when nginx
		 * has sent everything: the baseline pays no more for FastCGI
		 * than the areas do */
		if (FCGX_GetChar(r.in) == EOF)
			FCGX_Detach(&r);
		FCGX_Finish_r(&r);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	return fcgi_fork(argc, argv, serve);
}
