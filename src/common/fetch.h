/*
 * fetch.h - one conditional GET with libcurl, its outcome as a struct.
 */
#ifndef SITEWATCH_FETCH_H
#define SITEWATCH_FETCH_H

#include <stddef.h>

#define FETCH_HASH_LEN 32		/* SHA-256 */
#define FETCH_VALIDATOR_MAX 512		/* longer ETag / Last-Modified: ignored */

/* Why a check failed.  FETCH_OK is the only success. */
enum fetch_error {
	FETCH_OK,
	FETCH_DNS,		/* the host name did not resolve */
	FETCH_CONNECT,		/* refused, unreachable */
	FETCH_TIMEOUT,		/* connect, total or low-speed timeout */
	FETCH_TLS,		/* handshake or certificate */
	FETCH_HTTP,		/* an answer other than 2xx or 304 */
	FETCH_TOO_LARGE,	/* the body passed the cap, or a header
				 * libcurl's */
	FETCH_REDIRECT,		/* too many redirects, or to a non-http URL */
	FETCH_NOT_HTTP,		/* no status line (HTTP/0.9), a status
				 * outside 100-599, a garbled answer */
	FETCH_ABORTED,		/* the caller's interrupt asked to stop */
	FETCH_OTHER
};

/* What to fetch and how. */
struct fetch_request {
	const char *url;
	const char *etag;		/* sent as If-None-Match, or NULL */
	const char *last_modified;	/* sent verbatim as If-Modified-Since, or NULL */
	long connect_timeout;		/* seconds */
	long timeout;			/* seconds, the whole transfer */
	size_t max_body;		/* bytes of decoded body accepted */
	const char *cafile;		/* CA bundle, or NULL for the system's */
	int body_fd;			/* > 2: the decoded body of the final
					 * answer is written here too (0, as
					 * after a memset: it is not kept) */
};

struct fetch_result {
	enum fetch_error error;
	long status;			/* the final HTTP status, 0 if none */
	char etag[FETCH_VALIDATOR_MAX];		/* "" when the server sent none */
	char last_modified[FETCH_VALIDATOR_MAX];	/* "" when none */
	/* Both from the final answer's header, never from a trailer. */
	long retry_after;		/* seconds a 429 or 503 asked to wait
					 * (Retry-After), 0 if none */
	char content_type[128];		/* the final answer's Content-Type
					 * (printable ASCII), "" when none */
	unsigned char hash[FETCH_HASH_LEN];	/* of the decoded body (2xx only) */
	size_t body_len;
	double seconds;			/* how long the transfer took */
	int ca_rebuilt;			/* the CA bundle had changed: 1, it
					 * was read again for this check and
					 * those after it; -1, it cannot be
					 * read (each check reads it until it
					 * can); 0 otherwise */
	char message[256];		/* what went wrong, for the log */
};

/*
 * Called while a transfer runs whenever one of the caller's descriptors is
 * readable (and at least every second).  Returns nonzero to abort the
 * transfer.
 */
typedef int (*fetch_interrupt_fn)(void *arg);

/*
 * Initialises libcurl, and reads the trusted CA certificates (cafile, or
 * libcurl's default bundle when NULL) once for every check to share; call
 * once, before any fork.  Returns 0 or -1.
 */
int fetch_global_init(const char *cafile);

/* Returns a short word for an error class ("timeout", "HTTP", ...). */
const char *fetch_error_name(enum fetch_error e);

/*
 * Performs one conditional GET of rq->url and fills *res.  While it runs,
 * fds[0..nfds) are watched too: when one is readable (or a second passed),
 * interrupt(arg) is called, and a nonzero answer aborts the transfer with
 * FETCH_ABORTED.  Returns 0 when the transfer ran (res->error says how it
 * went), -1 when it could not be set up (res->message says why).
 */
int fetch_run(const struct fetch_request *rq, struct fetch_result *res,
    const int *fds, unsigned nfds, fetch_interrupt_fn interrupt, void *arg);

#endif
