/* fcgi_minimal.c - the baseline of `make bench`: a libfcgi responder that
 * does nothing but answer, run the same way as the areas (N forked
 * processes on one socket), so the bench prints our pages as a ratio of it. */
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s SOCKET PROCS\n", argv[0]);
		return 64;
	}
	FCGX_Init();
	unlink(argv[1]);
	int fd = FCGX_OpenSocket(argv[1], 1024);
	if (fd < 0)
		return 1;
	int procs = atoi(argv[2]);
	for (int i = 0; i < procs; i++) {
		if (fork() == 0) {
			FCGX_Request r;
			FCGX_InitRequest(&r, fd, 0);
			while (FCGX_Accept_r(&r) >= 0) {
				static const char resp[] =
					"Status: 200 OK\r\nContent-Type: text/plain\r\n"
					"Content-Length: 3\r\n\r\nok\n";
				FCGX_PutStr(resp, sizeof resp - 1, r.out);
				/* closed at once, as lib/server.c's finish()
				 * does when nginx has sent everything: the
				 * baseline pays no more for FastCGI than the
				 * areas do */
				if (FCGX_GetChar(r.in) == EOF)
					FCGX_Detach(&r);
				FCGX_Finish_r(&r);
			}
			_exit(0);
		}
	}
	signal(SIGTERM, SIG_DFL);
	while (wait(NULL) > 0)
		;
	return 0;
}
