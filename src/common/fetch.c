/*
 * fetch.c - one conditional GET with libcurl.
 *
 * The transfer runs on a multi handle so that the caller's descriptors (a
 * signalfd, an inotify descriptor) are watched while it runs: a watcher
 * told to stop in the middle of a slow request stops at once.  Every check
 * closes its connection, so an idle watcher holds no TCP socket; the multi
 * and easy handles are kept from check to check (handles_get).
 *
 * The trusted CA certificates are read once, by fetch_global_init(), into
 * an OpenSSL X509_STORE that every TLS check then shares (handed to each
 * check's SSL_CTX by libcurl's SSL_CTX callback).  Left to itself, libcurl
 * 7.88 parses the whole CA bundle for every connection: 47 ms of CPU for
 * Debian's bundle, and up to a megabyte built and freed, per check and per
 * watcher.  Built before the supervisor forks, the store's pages are
 * shared by every watcher.  A bundle that changes later is read again by
 * each watcher once, at its next look (use_shared_store), into a store of
 * its own.
 *
 * libcurl still makes (and frees) an OpenSSL context per connection.  A
 * program-defined SSL_CTX_new that handed it one kept context saved a
 * third of an https check's instructions, but it worked only while the
 * dynamic linker bound libcurl's call to the program (not with a static
 * link, LTO or -fvisibility=hidden, nor once libcurl calls SSL_CTX_new_ex)
 * and gave an https proxy's connection and the site's the same context:
 * it is gone (docs/benchmarks.md).
 *
 * An https check also resumes the TLS session of the check before (a
 * libcurl share object that holds the session, a few KiB, kept for the
 * process's life): the certificate is then not sent, parsed and verified
 * again, which cut the CPU of a check over TLS by a third here.
 */
#define _GNU_SOURCE		/* close_range, CLOSE_RANGE_CLOEXEC */
#include <ctype.h>
#include <limits.h>
#include <curl/curl.h>
#include <glib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fetch.h"
#include "common/util.h"

#ifndef SITEWATCH_VERSION
#define SITEWATCH_VERSION "unknown"
#endif

/* What the libcurl callbacks fill in during one transfer. */
struct transfer {
	struct fetch_result *res;
	size_t max_body;
	int too_large;		/* the body passed max_body */
	int wire_too_large;	/* an answer passed it on the wire */
	GChecksum *sum;
	int body_fd;		/* rq->body_fd */
	int body_errno;		/* writing it failed with this */
	int in_header;		/* between a status line and its blank line */
};

/* The CA store every check shares, and where it came from. */
static struct {
	X509_STORE *store;	/* NULL: libcurl loads the CAs per check */
	char *cafile;		/* the caller's --cacert, or NULL */
	char *file;		/* the bundle: cafile or libcurl's; NULL: no
				 * store, ever (not OpenSSL, no bundle) */
	char *dir;		/* libcurl's CA folder, or NULL */
	struct stat st;		/* the bundle as it was when loaded */
	long long checked_ms;	/* when it was last compared with st, 0: never */
} trust;

#define STORE_RECHECK_MS 10000L	/* how often a check looks at the bundle */
#define WAIT_FDS_MAX 4	/* the caller's fds a transfer watches, at most */

/*
 * Reads the CA bundle file and the CA folder dir (NULL: none) into a new
 * store, as libcurl itself would, with file's stat(2) from before it was
 * read in *st (a change while it is read is then seen at the next look).
 * Returns the store, or NULL when either cannot be read.
 */
static X509_STORE *
trust_build(const char *file, const char *dir, struct stat *st)
{
	X509_STORE *store;

	if (stat(file, st) == -1 || (store = X509_STORE_new()) == NULL)
		return NULL;
	if (X509_STORE_load_file(store, file) != 1 ||
	    (dir != NULL && X509_STORE_load_path(store, dir) != 1)) {
		X509_STORE_free(store);
		return NULL;
	}
	/* libcurl's own settings for a store without CRLs. */
	(void)X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN |
	    X509_V_FLAG_TRUSTED_FIRST);
	return store;
}

/*
 * Builds the shared store from cafile (or libcurl's default bundle) and
 * libcurl's default CA folder.  A bundle that cannot be read leaves no
 * store for now: libcurl then loads (and reports) the CAs per check, and
 * use_shared_store() tries again.
 */
static void
trust_init(const char *cafile)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	const char *file = cafile;
	char *bundle = NULL, *dir = NULL;
	CURL *h;

	/* The SSL_CTX handed to the callback is OpenSSL's only there. */
	if (v == NULL || v->ssl_version == NULL ||
	    strncmp(v->ssl_version, "OpenSSL/", 8) != 0)
		return;
	h = curl_easy_init();
	if (h == NULL)
		return;
	if (file == NULL &&
	    curl_easy_getinfo(h, CURLINFO_CAINFO, &bundle) == CURLE_OK)
		file = bundle;
	(void)curl_easy_getinfo(h, CURLINFO_CAPATH, &dir);
	if (file == NULL || (trust.file = strdup(file)) == NULL ||
	    (dir != NULL && (trust.dir = strdup(dir)) == NULL) ||
	    (cafile != NULL && (trust.cafile = strdup(cafile)) == NULL)) {
		free(trust.file);
		free(trust.dir);
		trust.file = trust.dir = NULL;
		curl_easy_cleanup(h);
		return;
	}
	curl_easy_cleanup(h);
	trust.store = trust_build(trust.file, trust.dir, &trust.st);
	trust.checked_ms = util_mono_ms();
	/* OpenSSL builds its algorithm tables at the first SSL_CTX: built
	 * here, before the fork, each watcher finds them made (a watcher's
	 * private memory after TLS checks, measured: 612 -> 472 KiB). */
	{
		SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

		if (ctx != NULL)
			SSL_CTX_free(ctx);
	}
}

int
fetch_global_init(const char *cafile)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	trust_init(cafile);
	return 0;
}

/* The TLS sessions of this process's checks (see the top). */
static CURLSH *tls_sessions;

/* Makes h resume the TLS session of the check before, if it can; with
 * forget set, the sessions kept so far are dropped first (they were
 * verified with CAs that have changed). */
static void
resume_sessions(CURL *h, const char *url, int forget)
{
	if (strncasecmp(url, "https:", 6) != 0)
		return;		/* an http watcher holds no share */
	if (forget && tls_sessions != NULL) {
		(void)curl_easy_setopt(h, CURLOPT_SHARE, NULL);
		(void)curl_share_cleanup(tls_sessions);
		tls_sessions = NULL;
	}
	if (tls_sessions == NULL) {
		tls_sessions = curl_share_init();
		if (tls_sessions != NULL &&
		    curl_share_setopt(tls_sessions, CURLSHOPT_SHARE,
		    CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
			(void)curl_share_cleanup(tls_sessions);
			tls_sessions = NULL;
		}
	}
	if (tls_sessions != NULL)
		(void)curl_easy_setopt(h, CURLOPT_SHARE, tls_sessions);
}

/* libcurl's SSL_CTX callback: the check trusts the shared store. */
static CURLcode
on_ssl_ctx(CURL *h, void *ctx, void *arg)
{
	(void)h;
	(void)arg;
	SSL_CTX_set1_cert_store(ctx, trust.store);
	return CURLE_OK;
}

/*
 * Returns 1 when a check with this cafile can use the shared store: the
 * same CAs, from the bundle as it is now.  The bundle is looked at once
 * per STORE_RECHECK_MS (one stat(2) per check would be one more system
 * call in every check); one that changed (update-ca-certificates, a new
 * --cacert file) is read again into a new store, once, for every later
 * check of this process: *rebuilt is then 1.  When it cannot be read, the
 * checks load the CAs themselves (libcurl's words say why they fail) until
 * a later look can: *rebuilt is -1 the first time.
 */
static int
use_shared_store(const char *cafile, int *rebuilt)
{
	X509_STORE *store;
	struct stat now;
	int had = trust.store != NULL;

	*rebuilt = 0;
	if (trust.file == NULL)
		return 0;
	if ((cafile == NULL) != (trust.cafile == NULL) ||
	    (cafile != NULL && strcmp(cafile, trust.cafile) != 0))
		return 0;
	if (util_mono_ms() - trust.checked_ms < STORE_RECHECK_MS)
		return had;
	trust.checked_ms = util_mono_ms();
	if (had && stat(trust.file, &now) == 0 &&
	    util_same_stat(&now, &trust.st))
		return 1;
	/* The checks that hold the old store (through their SSL_CTX) keep
	 * it until they end. */
	store = trust_build(trust.file, trust.dir, &now);
	X509_STORE_free(trust.store);
	trust.store = store;
	if (store == NULL) {
		*rebuilt = had ? -1 : 0;
		return 0;
	}
	trust.st = now;
	*rebuilt = 1;
	return 1;
}

/*
 * The transfer handles of this process, kept from check to check: a multi
 * handle made per check costs a socket pair (libcurl's wake-up channel:
 * seven system calls), and a fresh easy handle its buffers, both built,
 * faulted in and given back (brk, madvise: a TLB flush each) at every
 * check.  The connection is still closed after each check, so an idle
 * watcher holds no TCP socket; it keeps the two ends of that socket pair.
 * A process that forked after a check makes its own.
 */
static struct {
	CURLM *multi;
	CURL *easy;
	pid_t pid;		/* the process that made them */
} handles;

/* Returns the kept easy handle, reset, and the kept multi handle in *m;
 * or NULL (out of memory). */
static CURL *
handles_get(CURLM **m)
{
	pid_t self = getpid();

	if (handles.multi != NULL && handles.pid != self) {
		/* A copy made by fork(): never used again, never freed (its
		 * socket pair is our copy of the parent's). */
		handles.multi = NULL;
		handles.easy = NULL;
	}
	if (handles.multi == NULL) {
		handles.multi = curl_multi_init();
		if (handles.multi == NULL)
			return NULL;
		handles.pid = self;
		/* libcurl 7.88 makes its socket pair without close-on-exec;
		 * every other descriptor of ours has it already. */
		(void)close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	}
	if (handles.easy == NULL)
		handles.easy = curl_easy_init();
	else
		curl_easy_reset(handles.easy);
	*m = handles.multi;
	return handles.easy;
}

/* Takes the easy handle off the multi handle after a transfer (if it
 * was on it). */
static void
handles_put(void)
{
	if (handles.multi != NULL && handles.easy != NULL)
		(void)curl_multi_remove_handle(handles.multi, handles.easy);
}

const char *
fetch_error_name(enum fetch_error e)
{
	static const char *const names[] = {
		"ok", "DNS", "connect", "timeout", "TLS", "HTTP", "too large",
		"redirect", "not HTTP", "aborted", "error"
	};

	return (size_t)e < sizeof(names) / sizeof(names[0]) ? names[e] : "error";
}

/* libcurl's body callback: hashes the decoded body and enforces the cap,
 * which also stops a chunked body that announced no length. */
static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;

	if (t->res->body_len + len > t->max_body) {
		t->too_large = 1;
		return 0;	/* makes libcurl fail with CURLE_WRITE_ERROR */
	}
	t->res->body_len += len;
	g_checksum_update(t->sum, (const guchar *)p, (gssize)len);
	if (t->body_fd > 2 && util_write_all(t->body_fd, p, len) == -1) {
		t->body_errno = errno;
		return 0;
	}
	return len;
}

/*
 * libcurl's progress callback: aborts a transfer whose current answer has
 * brought more than the cap over the wire.  on_body() sees the final
 * answer's body only; the body of a redirect is read (to keep the
 * connection usable) but never handed over, and without this a 302 with
 * an endless body was read until --timeout.
 */
static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	struct transfer *t = arg;

	(void)dltotal;
	(void)ultotal;
	(void)ulnow;
	if (dlnow >= 0 && (curl_off_t)t->max_body >= 0 &&
	    dlnow > (curl_off_t)t->max_body) {
		t->wire_too_large = 1;
		return 1;	/* makes libcurl fail with CURLE_ABORTED_BY_CALLBACK */
	}
	return 0;
}

/*
 * libcurl's header callback: only notes whether an answer's header block
 * is being read, so that a header libcurl refuses as too large (it says
 * "Out of memory") is told as what it is.  The values are read after the
 * transfer by read_header(), from the header proper: libcurl hands
 * trailers to this callback too, and a trailer is not a header.
 */
static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0)
		t->in_header = 1;
	else if (len <= 2 && (len == 0 || p[0] == '\r' || p[0] == '\n'))
		t->in_header = 0;
	return len;
}

/*
 * Copies into dst (dstsz bytes) the value of the last header field name
 * of the final answer, trimmed; "" when there is none, when the value is
 * too long for dst (dropped, not cut), or when it came in a trailer.
 */
static void
read_header(CURL *h, const char *name, char *dst, size_t dstsz)
{
	struct curl_header *hh;
	const char *a, *b;

	dst[0] = '\0';
	if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hh) != CURLHE_OK)
		return;
	if (hh->amount > 1 && curl_easy_header(h, name, hh->amount - 1,
	    CURLH_HEADER, -1, &hh) != CURLHE_OK)
		return;
	a = hh->value;
	while (*a == ' ' || *a == '\t')
		a++;
	b = a + strlen(a);
	while (b > a && isspace((unsigned char)b[-1]))
		b--;
	if ((size_t)(b - a) >= dstsz)
		return;
	memcpy(dst, a, (size_t)(b - a));
	dst[b - a] = '\0';
}

/* Returns 1 when s may go into a request header: no CR, LF or NUL. */
static int
header_safe(const char *s)
{
	return s != NULL && *s != '\0' && strpbrk(s, "\r\n") == NULL;
}

/* Fills res->error and message for an answer that is no HTTP answer
 * (why: libcurl's words, or NULL for a status out of range). */
static void
not_http(struct fetch_result *res, const char *why)
{
	res->error = FETCH_NOT_HTTP;
	if (why != NULL)
		(void)snprintf(res->message, sizeof(res->message),
		    "not HTTP: %s", why);
	else
		(void)snprintf(res->message, sizeof(res->message),
		    "not HTTP: status %ld", res->status);
}

/* The kind of failure a libcurl code is, when nothing more is known:
 * FETCH_OTHER for a code no other kind covers. */
static enum fetch_error
error_kind(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return FETCH_DNS;
	case CURLE_COULDNT_CONNECT:
		return FETCH_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return FETCH_TIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return FETCH_TLS;
	case CURLE_TOO_MANY_REDIRECTS:
		return FETCH_REDIRECT;
	default:
		return FETCH_OTHER;
	}
}

/* Sorts a complete answer by its status: FETCH_OK for 2xx and 304,
 * FETCH_HTTP for another status, not HTTP out of 100-599. */
static void
classify_status(struct fetch_result *res)
{
	if (res->status < 100 || res->status > 599) {
		not_http(res, NULL);
		return;
	}
	if (res->status == 304 || (res->status >= 200 && res->status < 300)) {
		res->error = FETCH_OK;
		return;
	}
	res->error = FETCH_HTTP;
	(void)snprintf(res->message, sizeof(res->message), "HTTP %ld",
	    res->status);
}

/* Sorts a transfer the body's callback stopped: too large, or the body
 * could not be kept.  Returns 1 when it said which, 0 when not. */
static int
classify_body(struct fetch_result *res, const struct transfer *t,
    size_t max_body)
{
	if (t->too_large || t->wire_too_large) {
		res->error = FETCH_TOO_LARGE;
		(void)snprintf(res->message, sizeof(res->message),
		    "body larger than %zu bytes (--max-body)%s",
		    max_body, t->wire_too_large && !t->too_large ?
		    ", counted on the wire" : "");
		return 1;
	}
	if (t->body_errno != 0) {
		res->error = FETCH_OTHER;
		(void)snprintf(res->message, sizeof(res->message),
		    "cannot keep the body: %s", strerror(t->body_errno));
		return 1;
	}
	return 0;
}

/*
 * Sorts an out of memory or a receive error while the header was read
 * as a header too large: libcurl 7.88 refuses a header line over 100 KiB
 * with "Out of memory", and headers over 300 KiB in all as a receive
 * error saying "Too large response headers" (a reset while the header is
 * read is a receive error too).  Returns 1 when it was that, 0 when not.
 */
static int
classify_header(struct fetch_result *res, CURLcode rc,
    const struct transfer *t, const char *why)
{
	if (!t->in_header || (rc != CURLE_OUT_OF_MEMORY &&
	    strstr(why, "oo large") == NULL))
		return 0;
	res->error = FETCH_TOO_LARGE;
	(void)snprintf(res->message, sizeof(res->message),
	    "header too large (more than libcurl accepts)%s%s",
	    rc == CURLE_RECV_ERROR ? ": " : "",
	    rc == CURLE_RECV_ERROR ? why : "");
	return 1;
}

/* Sorts a finished transfer's libcurl code into res->error and message. */
static void
classify(struct fetch_result *res, CURLcode rc, const struct transfer *t,
    const char *errbuf, size_t max_body)
{
	const char *why = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_OK:
		classify_status(res);
		return;
	case CURLE_ABORTED_BY_CALLBACK:
	case CURLE_WRITE_ERROR:
		if (classify_body(res, t, max_body))
			return;
		break;
	case CURLE_OUT_OF_MEMORY:
	case CURLE_RECV_ERROR:
		if (classify_header(res, rc, t, why))
			return;
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* The URL itself is http(s): a redirect's Location is not,
		 * or the answer was no HTTP (HTTP/0.9, a status of more than
		 * three digits). */
		if (res->status >= 300 && res->status < 400) {
			res->error = FETCH_REDIRECT;
			(void)snprintf(res->message, sizeof(res->message),
			    "redirect to a URL that is not http or https "
			    "(%s)", why);
			return;
		}
		not_http(res, why);
		return;
	case CURLE_WEIRD_SERVER_REPLY:
		not_http(res, why);
		return;
	default:
		break;
	}
	res->error = error_kind(rc);
	if (res->error == FETCH_TIMEOUT)
		(void)snprintf(res->message, sizeof(res->message),
		    "timeout: %s", why);
	else
		(void)snprintf(res->message, sizeof(res->message), "%s", why);
}

/*
 * Reads what the final answer's header says into res: the validators,
 * and how long a 429 or 503 asks to wait.
 */
static void
read_answer(CURL *h, struct fetch_result *res)
{
	curl_off_t wait = 0;

	read_header(h, "ETag", res->etag, sizeof(res->etag));
	read_header(h, "Last-Modified", res->last_modified,
	    sizeof(res->last_modified));
	/* libcurl reads both forms, seconds and an HTTP date. */
	if ((res->status == 429 || res->status == 503) &&
	    curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &wait) == CURLE_OK &&
	    wait > 0)
		res->retry_after = wait > (curl_off_t)LONG_MAX ? LONG_MAX :
		    (long)wait;
}

/*
 * Sets every option of one check on h.  Returns 0, or -1 when libcurl
 * refused one (an old libcurl without the _STR protocol options).
 */
static int
setup(CURL *h, const struct fetch_request *rq, struct transfer *t,
    struct curl_slist *hdrs, char *errbuf)
{
	long low = rq->timeout < 30 ? rq->timeout : 30;

	if (curl_easy_setopt(h, CURLOPT_URL, rq->url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK)
		return -1;
	(void)curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	(void)curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
	(void)curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, rq->connect_timeout);
	(void)curl_easy_setopt(h, CURLOPT_TIMEOUT, rq->timeout);
	/* A server that trickles a byte now and then is a timeout too. */
	(void)curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	(void)curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, low > 0 ? low : 1L);
	(void)curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	(void)curl_easy_setopt(h, CURLOPT_USERAGENT,
	    "sitewatch/" SITEWATCH_VERSION);
	(void)curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
	(void)curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	(void)curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	(void)curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
	(void)curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	(void)curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
	(void)curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	(void)curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	(void)curl_easy_setopt(h, CURLOPT_XFERINFODATA, t);
	if (hdrs != NULL)
		(void)curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (use_shared_store(rq->cafile, &t->res->ca_rebuilt)) {
		/* Nothing to load: the callback hands over the store. */
		if (curl_easy_setopt(h, CURLOPT_CAINFO, NULL) != CURLE_OK ||
		    curl_easy_setopt(h, CURLOPT_CAPATH, NULL) != CURLE_OK ||
		    curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx) !=
		    CURLE_OK)
			return -1;
#if LIBCURL_VERSION_NUM >= 0x075700
		/* libcurl 7.87 and later keep the CA store of a connection
		 * (ours) for 24 hours in the multi handle, and give that one
		 * to every later connection over the callback's: a store
		 * built again would never be used. */
		(void)curl_easy_setopt(h, CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif
	} else if (rq->cafile != NULL) {
		(void)curl_easy_setopt(h, CURLOPT_CAINFO, rq->cafile);
	}
	/* libcurl resumes a session only under the same TLS settings (CA
	 * file included), so a bundle read again is verified again; so is
	 * a certificate after the shared store was built again. */
	resume_sessions(h, rq->url, t->res->ca_rebuilt != 0);
	return 0;
}

/*
 * Keeps the final answer's Content-Type, as libcurl read it from the
 * headers (never a trailer), in res->content_type: the helper's default
 * filter decides by it between the visible text and the raw bytes.  A
 * value too long or with bytes that are not printable ASCII is dropped
 * (the helper then sniffs the body).
 */
static void
keep_content_type(CURL *h, struct fetch_result *res)
{
	char *ct = NULL;
	size_t i, n;

	res->content_type[0] = '\0';
	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) != CURLE_OK ||
	    ct == NULL)
		return;
	n = strlen(ct);
	if (n >= sizeof(res->content_type))
		return;
	for (i = 0; i < n; i++)
		if (ct[i] < 0x20 || ct[i] > 0x7e)
			return;
	memcpy(res->content_type, ct, n + 1);
}

/* The conditional request's headers for rq's validators (those a
 * header may hold), or NULL for none. */
static struct curl_slist *
validator_headers(const struct fetch_request *rq)
{
	struct curl_slist *hdrs = NULL;
	char line[FETCH_VALIDATOR_MAX + 32];

	if (header_safe(rq->etag)) {
		(void)snprintf(line, sizeof(line), "If-None-Match: %s", rq->etag);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (header_safe(rq->last_modified)) {
		(void)snprintf(line, sizeof(line), "If-Modified-Since: %s",
		    rq->last_modified);
		hdrs = curl_slist_append(hdrs, line);
	}
	return hdrs;
}

/*
 * Runs the transfer on m until it ends, asking interrupt(arg) when one
 * of fds[0..nfds) (at most WAIT_FDS_MAX) is readable, and at least once
 * a second.
 * Returns 1 when interrupt said to stop, 0 when the transfer ended (or
 * libcurl failed: the transfer's code says which).
 */
static int
transfer_wait(CURLM *m, const int *fds, unsigned nfds,
    fetch_interrupt_fn interrupt, void *arg)
{
	struct curl_waitfd wfd[WAIT_FDS_MAX];
	long long asked = util_mono_ms();
	int running = 1;
	unsigned i;

	for (i = 0; i < nfds; i++) {
		wfd[i].fd = fds[i];
		wfd[i].events = CURL_WAIT_POLLIN;
	}
	while (running) {
		int ready = 0;

		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		if (!running)
			break;
		for (i = 0; i < nfds; i++)
			wfd[i].revents = 0;	/* left alone on a timeout */
		if (curl_multi_poll(m, wfd, nfds, 1000, NULL) != CURLM_OK)
			break;
		for (i = 0; i < nfds; i++)
			ready |= wfd[i].revents != 0;
		/* Asked when one of the caller's descriptors is readable, and
		 * at least once a second, so that a stop written to the file
		 * is seen even with no descriptor; not on the socket's own
		 * wake-ups (each would cost the caller a read that finds
		 * nothing). */
		if (interrupt != NULL && (ready ||
		    util_mono_ms() - asked >= 1000)) {
			asked = util_mono_ms();
			if (interrupt(arg))
				return 1;
		}
	}
	return 0;
}

/*
 * Fills res from the transfer h that ended on m: its status, the kind of
 * failure or success (classify), the validators and content type of the
 * answer, and the body's hash when it is a new body.
 */
static void
transfer_result(CURLM *m, CURL *h, const struct transfer *t,
    const char *errbuf, size_t max_body, struct fetch_result *res)
{
	CURLMsg *msg;
	CURLcode rc = CURLE_OK;
	int left;
	gsize hashlen = FETCH_HASH_LEN;

	while ((msg = curl_multi_info_read(m, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE)
			rc = msg->data.result;
	(void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->status);
	classify(res, rc, t, errbuf, max_body);
	read_answer(h, res);
	keep_content_type(h, res);
	if (res->error == FETCH_OK && res->status != 304)
		(void)g_checksum_get_digest(t->sum, res->hash, &hashlen);
}

int
fetch_run(const struct fetch_request *rq, struct fetch_result *res,
    const int *fds, unsigned nfds, fetch_interrupt_fn interrupt, void *arg)
{
	struct transfer t;
	struct curl_slist *hdrs;
	struct timespec t0, t1;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLM *m = NULL;
	CURL *h;
	int failed = 0;

	memset(res, 0, sizeof(*res));
	memset(&t, 0, sizeof(t));
	t.res = res;
	t.max_body = rq->max_body;
	t.body_fd = rq->body_fd;
	if (nfds > WAIT_FDS_MAX)
		nfds = WAIT_FDS_MAX;
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);

	hdrs = validator_headers(rq);
	h = handles_get(&m);
	t.sum = g_checksum_new(G_CHECKSUM_SHA256);
	if (h == NULL || t.sum == NULL ||
	    setup(h, rq, &t, hdrs, errbuf) == -1 ||
	    curl_multi_add_handle(m, h) != CURLM_OK) {
		res->error = FETCH_OTHER;
		(void)snprintf(res->message, sizeof(res->message),
		    "cannot set up the transfer (libcurl too old or out of "
		    "memory)");
		failed = 1;
		goto out;
	}
	if (transfer_wait(m, fds, nfds, interrupt, arg)) {
		res->error = FETCH_ABORTED;
		(void)snprintf(res->message, sizeof(res->message), "aborted");
		goto out;
	}
	transfer_result(m, h, &t, errbuf, rq->max_body, res);
out:
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (t.sum != NULL)
		g_checksum_free(t.sum);
	handles_put();
	curl_slist_free_all(hdrs);
	return failed ? -1 : 0;
}
