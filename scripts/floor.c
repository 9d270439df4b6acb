/*
 * floor.c - the least a page watcher can cost, for scripts/bench --peers.
 *
 * Forks N children that each poll one URL on 127.0.0.1 like a sitewatch
 * watcher does (a conditional GET every INTERVAL ms, answered 304), with
 * nothing else: a raw socket for http; for https OpenSSL with the CA
 * certificate loaded once before the fork and the session resumed at every
 * check.  What a child costs in memory and CPU is the floor that
 * sitewatch's figures are compared with.  It is a benchmark tool, not part
 * of sitewatch: written by hand because its point is to use no library
 * beyond the two a check cannot do without (libc, OpenSSL).
 *
 *	floor http|https PORT PATH N INTERVAL_MS [CAFILE]
 *
 * Prints "ready OK of N" when every child has made its first check (the
 * bench counts the checks in the server's log).  SIGTERM ends the parent,
 * and its end ends the children (PR_SET_PDEATHSIG); it exits 0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *path;
static int port;

/* Connects to 127.0.0.1:port.  Returns the socket, or -1. */
static int
dial(void)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

/* Formats the conditional request into buf.  Returns its length. */
static size_t
request(char *buf, size_t sz)
{
	int n = snprintf(buf, sz, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	    "If-Modified-Since: "
	    "Mon, 01 Jan 2024 00:00:00 GMT\r\nConnection: close\r\n\r\n",
	    path, port);

	return n < 0 ? 0 : (size_t)n;
}

/* One http check: request, read the answer to its end.  Returns 0 or -1. */
static int
check_http(void)
{
	char buf[4096];
	size_t len = request(buf, sizeof(buf));
	ssize_t n;
	int fd = dial();

	if (fd == -1)
		return -1;
	if (write(fd, buf, len) != (ssize_t)len) {
		(void)close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	(void)close(fd);
	return n == 0 ? 0 : -1;
}

/* One https check, resuming *sess (replaced by the new one).  Returns 0
 * or -1. */
static int
check_https(SSL_CTX *ctx, SSL_SESSION **sess)
{
	char buf[4096];
	size_t len = request(buf, sizeof(buf));
	int fd = dial(), n, rc = -1;
	SSL *ssl;

	if (fd == -1)
		return -1;
	ssl = SSL_new(ctx);
	if (ssl == NULL) {
		(void)close(fd);
		return -1;
	}
	(void)SSL_set_fd(ssl, fd);
	(void)SSL_set_tlsext_host_name(ssl, "localhost");
	if (*sess != NULL)
		(void)SSL_set_session(ssl, *sess);
	if (SSL_connect(ssl) == 1 && SSL_write(ssl, buf, (int)len) == (int)len) {
		while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0)
			;
		rc = 0;
		if (*sess != NULL)
			SSL_SESSION_free(*sess);
		*sess = SSL_get1_session(ssl);
	}
	(void)SSL_shutdown(ssl);
	SSL_free(ssl);
	(void)close(fd);
	return rc;
}

/* Sleeps ms milliseconds. */
static void
nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
main(int argc, char **argv)
{
	SSL_CTX *ctx = NULL;
	long n, i, interval;
	int tls, ready[2];
	pid_t parent = getpid();
	sigset_t set;

	if (argc < 6) {
		(void)fprintf(stderr, "usage: floor http|https PORT PATH N "
		    "INTERVAL_MS [CAFILE]\n");
		return 2;
	}
	tls = strcmp(argv[1], "https") == 0;
	port = atoi(argv[2]);
	path = argv[3];
	n = atol(argv[4]);
	interval = atol(argv[5]);
	if (tls) {
		ctx = SSL_CTX_new(TLS_client_method());
		if (ctx == NULL || argc < 7 ||
		    SSL_CTX_load_verify_locations(ctx, argv[6], NULL) != 1) {
			(void)fprintf(stderr, "floor: cannot load the CA file\n");
			return 1;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT);
	}
	if (pipe(ready) == -1)
		return 1;
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == -1)
			return 1;
		if (pid == 0) {
			SSL_SESSION *sess = NULL;
			int first = 1;

			(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			(void)close(ready[0]);
			/* Spread the first checks over one interval. */
			nap(interval * i / (n > 0 ? n : 1));
			for (;;) {
				int r = tls ? check_https(ctx, &sess) :
				    check_http();

				if (first) {
					char c = r == 0 ? '+' : '-';

					(void)write(ready[1], &c, 1);
					(void)close(ready[1]);
					first = 0;
				}
				nap(interval);
			}
		}
	}
	(void)close(ready[1]);
	{
		long ok = 0, seen = 0;
		char c;

		while (seen < n && read(ready[0], &c, 1) == 1) {
			seen++;
			ok += c == '+';
		}
		(void)printf("ready %ld of %ld\n", ok, n);
		(void)fflush(stdout);
	}
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGTERM);
	(void)sigaddset(&set, SIGINT);
	(void)sigprocmask(SIG_BLOCK, &set, NULL);
	{
		int sig;

		(void)sigwait(&set, &sig);
	}
	return 0;
}
