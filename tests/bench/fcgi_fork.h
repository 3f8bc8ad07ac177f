/* fcgi_fork.h - how the bench's baseline responders run: as the areas do,
 * PROCS forked processes accepting on one libfcgi socket, the parent
 * waiting for them (run.sh signals each by its pid).  The command line is
 * "PROGRAM SOCKET PROCS"; serve() never returns. */
#ifndef BENCH_FCGI_FORK_H
#define BENCH_FCGI_FORK_H

#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int fcgi_fork(int argc, char **argv, void (*serve)(int fd))
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s SOCKET PROCS\n", argv[0]);
		return 64;
	}
	const char *socket_path = argv[1], *procs = argv[2];
	FCGX_Init();
	unlink(socket_path);
	int fd = FCGX_OpenSocket(socket_path, 1024);
	if (fd < 0)
		return 1;
	int n = atoi(procs);
	for (int i = 0; i < n; i++)
		if (fork() == 0)
			serve(fd);
	signal(SIGTERM, SIG_DFL);
	while (wait(NULL) > 0)
		;
	return 0;
}

#endif
