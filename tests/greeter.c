/*
 * greeter - a stand-in for an SMTP server's greeting, for verify tests.
 *
 * Listens on 127.0.0.1 (port 0: the kernel picks one), prints the port on
 * stdout, then answers each connection with "220 greeter ESMTP" and closes
 * it.  It exits after 30 s or after 20 connections, whichever comes first,
 * so a test that forgets it cannot leave it behind for long.
 *
 *	greeter [ehlo|starttls]
 *
 * With an argument it also answers one EHLO (waiting up to 2 s for it):
 * "250-greeter" and "250 HELP", with "250-STARTTLS" between them for
 * starttls, as a daemon whose TLS works (or was dropped) would.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* answer_ehlo - read the client's EHLO, answer it, wait for QUIT. */
static void
answer_ehlo(int c, int tls)
{
	static const char plain[] = "250-greeter\r\n250 HELP\r\n";
	static const char withtls[] = "250-greeter\r\n250-STARTTLS\r\n"
	    "250 HELP\r\n";
	struct pollfd pf;
	char buf[512];

	pf.fd = c;
	pf.events = POLLIN;
	if (poll(&pf, 1, 2000) != 1 || read(c, buf, sizeof(buf)) <= 0)
		return;
	if (write(c, tls ? withtls : plain, tls ? sizeof(withtls) - 1 :
	    sizeof(plain) - 1) < 0)
		return;
	if (poll(&pf, 1, 2000) == 1)
		(void)!read(c, buf, sizeof(buf));
}

int
main(int argc, char **argv)
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
		else if (argc > 1)
			answer_ehlo(c, strcmp(argv[1], "starttls") == 0);
		close(c);
		served++;
	}
	return 0;
}
