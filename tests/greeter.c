/*
 * greeter - a stand-in for an SMTP server's greeting, for verify tests.
 *
 * Listens on 127.0.0.1 (port 0: the kernel picks one), prints the port on
 * stdout, then answers each connection with "220 greeter ESMTP" and closes
 * it.  It exits after 30 s or after 20 connections, whichever comes first,
 * so a test that forgets it cannot leave it behind for long.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int
main(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	struct pollfd pf;
	time_t end = time(NULL) + 30;
	const char hello[] = "220 greeter ESMTP\r\n";
	int fd, c, served = 0, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return 1;
	printf("%d\n", ntohs(sa.sin_port));
	fflush(stdout);
	pf.fd = fd;
	pf.events = POLLIN;
	while (served < 20 && time(NULL) < end) {
		if (poll(&pf, 1, 1000) != 1)
			continue;
		if ((c = accept(fd, NULL, NULL)) < 0)
			continue;
		if (write(c, hello, sizeof(hello) - 1) < 0)
			perror("greeter");
		close(c);
		served++;
	}
	return 0;
}
