/*
 * html.h - HTML pages for the filter chain (libxml2): parsing, selecting
 * with XPath, removing, the visible text, serialising.  Linked only into
 * sitewatch-helper.
 */
#ifndef SITEWATCH_HTML_H
#define SITEWATCH_HTML_H

#include <stddef.h>

#include <libxml/tree.h>

#include "helper/strbuf.h"

/*
 * A parsed page and what is selected in it.  Without a selection the
 * whole document is the page; after a css:/xpath: step, the selected
 * nodes are, each its own item.  Nodes taken out by remove: are kept
 * (unlinked) until html_free(), so that no pointer dangles.
 */
struct html_page {
	xmlDocPtr doc;
	int selected;		/* 1: sel[0..nsel) is the page */
	xmlNodePtr *sel;
	size_t nsel;
	xmlNodePtr *dead;
	size_t ndead, deadcap;
};

/* Sets libxml2 up once: its errors are never printed, no network. */
void html_init(void);

/*
 * Returns 1 when the content type ctype (a Content-Type value, parameters
 * allowed) is HTML (text/html, application/xhtml+xml), else 0.
 */
int html_type_is_html(const char *ctype);

/*
 * Returns 1 when buf[0..len) looks like HTML by its first bytes (the
 * WHATWG MIME sniffing rules: after blanks, "<!DOCTYPE HTML", "<html",
 * "<head", "<body", "<div", "<p", ... or "<!--", followed by a space or
 * '>'), else 0.
 */
int html_sniff(const char *buf, size_t len);

/*
 * Writes into out (size outsz) the charset parameter of ctype, or "" when
 * there is none.
 */
void html_charset(const char *ctype, char *out, size_t outsz);

/*
 * Parses buf[0..len) with libxml2's HTML parser (recovering, no network,
 * no entity loading) into pg, which is zeroed first.  charset names the
 * encoding (NULL or "": libxml2 looks for a <meta> and otherwise takes
 * UTF-8).  Returns 0, or -1 with a reason in err.
 */
int html_parse(struct html_page *pg, const char *buf, size_t len,
    const char *charset, char *err, size_t errsz);

/*
 * Checks that expr compiles as an XPath 1.0 expression.  Returns 0, or -1
 * with libxml2's reason and the offset in err.
 */
int html_xpath_check(const char *expr, char *err, size_t errsz);

/*
 * Evaluates the XPath expr with every item of the page as context node
 * (the document node when nothing is selected) and makes the matching
 * nodes, in document order, the new selection.  A result that is a
 * string, number or boolean is written to *text instead (malloc'd, one
 * line per item, empty values left out; the page is left as it was).  Returns the number of nodes selected (0:
 * nothing matched, the page is left as it was), or -1 with a reason in
 * err.
 */
long html_select(struct html_page *pg, const char *expr, char **text,
    char *err, size_t errsz);

/*
 * Takes the elements that expr matches (evaluated like html_select) out
 * of the page.  Returns how many were taken out (0 is fine), or -1 with a
 * reason in err.
 */
long html_remove(struct html_page *pg, const char *expr, char *err,
    size_t errsz);

/*
 * Appends the visible text of the page to out: scripts, styles,
 * templates, noscript, the head, comments, attributes and elements that
 * are hidden (the hidden attribute, style display:none, hidden inputs)
 * left out; block elements, <br> and each selected item end a line;
 * white space collapsed to one space, lines trimmed, empty lines dropped;
 * every line ends with '\n'.  <pre> keeps its lines and spaces.  Returns
 * 0, or -1 when out of memory.
 */
int html_text(const struct html_page *pg, struct strbuf *out);

/*
 * Appends the page as HTML (UTF-8) to out: the whole document, or each
 * selected item on a line of its own.  Returns 0, or -1 when out of
 * memory.
 */
int html_serialize(const struct html_page *pg, struct strbuf *out);

/* Frees everything pg holds and zeroes it. */
void html_free(struct html_page *pg);

#endif
