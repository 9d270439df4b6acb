/*
 * t-redact.c - unit tests of src/common/redact.c (issue 21.8): a URL as shown
 * in logs and notifications has no userinfo and masks secret-looking
 * parameter values; as a process title it is scheme://host/path.
 */
#include <string.h>

#include "common/redact.h"
#include "tap.h"

/* Checks that url is shown as want (REDACT_SHOWN). */
#define SHOWN(url, want) do { \
		char b_[REDACT_MAX]; \
		check_str(redact_url((url), REDACT_SHOWN, b_, sizeof(b_)), \
		    (want)); \
	} while (0)

/* Checks that url's process title is want (REDACT_TITLE). */
#define TITLE(url, want) do { \
		char b_[REDACT_MAX]; \
		check_str(redact_url((url), REDACT_TITLE, b_, sizeof(b_)), \
		    (want)); \
	} while (0)

static void
t_plain(void)
{
	/* Nothing to hide: shown as written. */
	SHOWN("https://example.org/a/b?page=2&q=x#top",
	    "https://example.org/a/b?page=2&q=x#top");
	SHOWN("http://127.0.0.1:8080/", "http://127.0.0.1:8080/");
	SHOWN("https://example.org", "https://example.org");
	SHOWN("https://example.org?x=1", "https://example.org?x=1");
	TITLE("https://example.org", "https://example.org");
	TITLE("https://example.org/a/b?page=2#top", "https://example.org/a/b");
}

static void
t_userinfo(void)
{
	SHOWN("https://user:secret@host/path?token=abc",
	    "https://host/path?token=***");
	TITLE("https://user:secret@host/path?token=abc", "https://host/path");
	SHOWN("https://user@host/", "https://host/");
	SHOWN("https://:pw@host:8443/x", "https://host:8443/x");
	/* A raw @ in the password: everything to the last @ goes. */
	SHOWN("https://u:p@ss@host/x", "https://host/x");
	/* Percent-encoded userinfo. */
	SHOWN("https://us%40er:p%3Ass%2F@host/", "https://host/");
	/* No path: the authority ends at ? or #. */
	SHOWN("https://u:p@host?a=1", "https://host?a=1");
	SHOWN("https://u:p@host#f", "https://host#f");
	/* No scheme (never a row, but error lines show such text). */
	SHOWN("user:pw@host/path", "host/path");
	SHOWN("ftp://user:pw@host/path", "ftp://host/path");
}

static void
t_at_elsewhere(void)
{
	/* An @ in the path, query or fragment is no userinfo. */
	SHOWN("https://host/users/@bob", "https://host/users/@bob");
	TITLE("https://host/users/@bob", "https://host/users/@bob");
	SHOWN("https://host/?mail=a@b.c", "https://host/?mail=a@b.c");
	SHOWN("https://host?mail=a@b.c", "https://host?mail=a@b.c");
	SHOWN("https://u:p@host/@x?y=@z", "https://host/@x?y=@z");
	SHOWN("https://host#a@b", "https://host#a@b");
}

static void
t_ipv6(void)
{
	SHOWN("http://[::1]:8080/p?token=t", "http://[::1]:8080/p?token=***");
	SHOWN("http://u:p@[::1]:8080/p", "http://[::1]:8080/p");
	TITLE("https://u:p@[2001:db8::1]/a?b=c", "https://[2001:db8::1]/a");
	SHOWN("http://[fe80::1%25eth0]/", "http://[fe80::1%25eth0]/");
	TITLE("http://[::1]", "http://[::1]");
}

static void
t_query(void)
{
	SHOWN("https://h/p?token=abc&x=1", "https://h/p?token=***&x=1");
	SHOWN("https://h/p?x=1&token=abc", "https://h/p?x=1&token=***");
	SHOWN("https://h/p?TOKEN=abc", "https://h/p?TOKEN=***");
	SHOWN("https://h/p?access_token=a&api_key=b&apikey=c&x-api-key=d",
	    "https://h/p?access_token=***&api_key=***&apikey=***&x-api-key=***");
	SHOWN("https://h/?password=a&passwd=b&pass=c&pwd=d&secret=e",
	    "https://h/?password=***&passwd=***&pass=***&pwd=***&secret=***");
	SHOWN("https://h/?auth=a&auth_token=b&sig=c&signature=d",
	    "https://h/?auth=***&auth_token=***&sig=***&signature=***");
	SHOWN("https://h/?session=a&sid=b&code=c&credential=d&key=e",
	    "https://h/?session=***&sid=***&code=***&credential=***&key=***");
	SHOWN("https://h/?X-Amz-Credential=a&X-Amz-Signature=b&X-Amz-Date=c",
	    "https://h/?X-Amz-Credential=***&X-Amz-Signature=***"
	    "&X-Amz-Date=c");
	/* camelCase words, and suffixes that need no word start. */
	SHOWN("https://h/?apiKey=a&userPwd=b&authtoken=c&PHPSESSID=d",
	    "https://h/?apiKey=***&userPwd=***&authtoken=***&PHPSESSID=***");
	/* Words inside others are no secrets. */
	SHOWN("https://h/?monkey=1&bypass=2&inside=3&zipcode=4&keys=5",
	    "https://h/?monkey=1&bypass=2&inside=3&zipcode=4&keys=5");
	/* Rails-style names. */
	SHOWN("https://h/?user[password]=a&user[name]=b",
	    "https://h/?user[password]=***&user[name]=b");
	/* Percent-encoded names are matched decoded; values kept as they
	 * come when not secret. */
	SHOWN("https://h/?access%5Ftoken=a&q=a%26b",
	    "https://h/?access%5Ftoken=***&q=a%26b");
	SHOWN("https://h/?%74oken=a", "https://h/?%74oken=***");
	/* ; separates too; empty values and bare names stay. */
	SHOWN("https://h/?a=1;token=x", "https://h/?a=1;token=***");
	SHOWN("https://h/?token=&token&=x&&", "https://h/?token=&token&=x&&");
	/* A value holding = is masked whole. */
	SHOWN("https://h/?sig=a=b==&x=1", "https://h/?sig=***&x=1");
}

static void
t_fragment_path(void)
{
	SHOWN("https://h/cb#access_token=abc&state=s",
	    "https://h/cb#access_token=***&state=s");
	SHOWN("https://h/p?token=a#code=b", "https://h/p?token=***#code=***");
	SHOWN("https://h/app;jsessionid=ABC/x;v=1?q=1",
	    "https://h/app;jsessionid=***/x;v=1?q=1");
	TITLE("https://h/app;jsessionid=ABC/x?q=1",
	    "https://h/app;jsessionid=***/x");
	/* A secret-looking name in the path itself is just a path. */
	SHOWN("https://h/token/abc", "https://h/token/abc");
}

static void
t_cut(void)
{
	char small[16], tiny[1];

	/* Cut to the buffer, never past it. */
	check_str(redact_url("https://example.org/abcdefgh", REDACT_SHOWN,
	    small, sizeof(small)), "https://example");
	/* A mask that does not fit is left out whole, and nothing is
	 * appended after a cut. */
	check_str(redact_url("https://h/?token=abc&x=1", REDACT_SHOWN,
	    small, sizeof(small)), "https://h/?toke");
	check_str(redact_url("http://h/?ab=cd&token=x", REDACT_SHOWN,
	    small, sizeof(small)), "http://h/?ab=cd");
	/* At a character boundary: "é" is two bytes. */
	check_str(redact_url("http://h/\xc3\xa9\xc3\xa9\xc3\xa9", REDACT_SHOWN,
	    small, 14), "http://h/\xc3\xa9\xc3\xa9");
	check_str(redact_url("https://u:p@h/", REDACT_SHOWN, tiny,
	    sizeof(tiny)), "");
	check_str(redact_url("", REDACT_SHOWN, small, sizeof(small)), "");
}

static void
t_names(void)
{
	check_int(redact_secret_name("token", 5), ==, 1);
	check_int(redact_secret_name("tokens", 6), ==, 0);
	check_int(redact_secret_name("Api-Key", 7), ==, 1);
	check_int(redact_secret_name("turkey", 6), ==, 0);
	check_int(redact_secret_name("key2", 4), ==, 0);
	check_int(redact_secret_name("2key", 4), ==, 1);
	check_int(redact_secret_name("", 0), ==, 0);
	/* Only len bytes are looked at. */
	check_int(redact_secret_name("tokenx", 5), ==, 1);
	/* A name of any length: its end decides. */
	{
		char big[1000];

		memset(big, 'a', sizeof(big));
		memcpy(big + sizeof(big) - 6, "_token", 6);
		check_int(redact_secret_name(big, sizeof(big)), ==, 1);
		check_int(redact_secret_name(big, sizeof(big) - 1), ==, 0);
	}
}

int
main(void)
{
	TEST(t_plain(), "a URL with nothing to hide is shown as written");
	TEST(t_userinfo(), "userinfo is never shown");
	TEST(t_at_elsewhere(), "an @ after the authority is kept");
	TEST(t_ipv6(), "IPv6 hosts and ports are kept");
	TEST(t_query(), "secret-looking query values are masked");
	TEST(t_fragment_path(), "fragment and path parameters too");
	TEST(t_cut(), "the result is cut to the buffer at a character");
	TEST(t_names(), "which names look secret");
	return test_done();
}
