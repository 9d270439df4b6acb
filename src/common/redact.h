/*
 * redact.h - a row's URL as it is shown to people: in process titles, log
 * lines, notifications, status and command output.  A URL may carry
 * credentials (https://user:secret@host/) or secrets in its query
 * (?token=abc); ps(1) shows every process title to every local user, and
 * logs and notifications travel further still.  Only the request itself
 * (and the --exec hook's SITEWATCH_URL, and the browser a click opens) get
 * the URL as written.
 */
#ifndef SITEWATCH_REDACT_H
#define SITEWATCH_REDACT_H

#include <stddef.h>

/* A buffer that holds any URL as shown (a longer one is cut). */
#define REDACT_MAX 2048

/* The mask that replaces a secret-looking value. */
#define REDACT_MASK "***"

enum redact_form {
	/* For logs, messages and notifications: the URL without its
	 * userinfo (user:password@), and with the value of every query,
	 * fragment or path (;name=value) parameter whose name looks
	 * secret (redact_secret_name) replaced by REDACT_MASK. */
	REDACT_SHOWN,
	/* For a process title: scheme://host[:port]/path only (no
	 * userinfo, no query, no fragment; path parameters masked as
	 * above). */
	REDACT_TITLE
};

/*
 * Writes url as form says into out (outsz > 0 bytes), cut at a UTF-8
 * character boundary when it does not fit; always terminated.  Never
 * fails: a string that is no URL is shown with whatever looks like
 * userinfo (text before an @ ahead of the first /, ? or #) left out.
 * Returns out.
 */
char *redact_url(const char *url, enum redact_form form, char *out,
    size_t outsz);

/*
 * Returns 1 when the parameter name s[0..len) (percent-encoded as in a
 * URL) names a secret, ignoring case: it ends in one of token, secret,
 * password, passwd, passphrase, signature, credential, credentials,
 * session, sessionid, sessid, apikey, accesskey, secretkey, privatekey;
 * or it is, or ends in a word that is, one of key, pass, pwd, pw, auth,
 * sig, sid, code, otp, pin, jwt (a word: after a character that is no
 * letter, or where a lower-case letter meets an upper-case one, as in
 * x-api-key, user_pass, userPwd).  Trailing ']' are ignored
 * (user[password]).  The list is in sitewatch(1), SECURITY.
 */
int redact_secret_name(const char *s, size_t len);

#endif
