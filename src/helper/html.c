/*
 * html.c - HTML pages for the filter chain, on libxml2's HTML parser and
 * XPath engine.  The visible-text walk is written here: libxml2 has no
 * "text as a browser shows it" (xmlNodeGetContent keeps scripts, styles
 * and every run of white space).
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "common/util.h"
#include "helper/html.h"

/* The last error libxml2 reported while we asked it something. */
static char last_error[256];
static int last_error_pos = -1;

/* Keeps libxml2's last error message (for XPath: with its offset) and
 * prints nothing. */
static void
html_on_error(void *data, xmlErrorPtr e)
{
	size_t n;

	(void)data;
	if (e == NULL || e->message == NULL)
		return;
	(void)snprintf(last_error, sizeof(last_error), "%s", e->message);
	n = strlen(last_error);
	while (n > 0 && (last_error[n - 1] == '\n' || last_error[n - 1] == ' '))
		last_error[--n] = '\0';
	last_error_pos = e->domain == XML_FROM_XPATH ? e->int1 : -1;
}

/* Swallows libxml2's unstructured messages. */
static void
html_on_generic(void *data, const char *fmt, ...)
{
	(void)data;
	(void)fmt;
}

void
html_init(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, html_on_generic);
	xmlSetStructuredErrorFunc(NULL, html_on_error);
}

int
html_type_is_html(const char *ctype)
{
	size_t n;

	if (ctype == NULL)
		return 0;
	while (*ctype == ' ' || *ctype == '\t')
		ctype++;
	n = strcspn(ctype, "; \t");
	return (n == 9 && strncasecmp(ctype, "text/html", 9) == 0) ||
	    (n == 21 && strncasecmp(ctype, "application/xhtml+xml", 21) == 0);
}

int
html_sniff(const char *buf, size_t len)
{
	/* The WHATWG MIME sniffing standard's HTML patterns. */
	static const char *const tags[] = {
		"!DOCTYPE HTML", "HTML", "HEAD", "SCRIPT", "IFRAME", "H1", "DIV",
		"FONT", "TABLE", "A", "STYLE", "TITLE", "B", "BODY", "BR", "P",
		"!--"
	};
	size_t i = 0, t;

	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
	    buf[i] == '\r' || buf[i] == '\f'))
		i++;
	if (i >= len || buf[i] != '<')
		return 0;
	i++;
	for (t = 0; t < sizeof(tags) / sizeof(tags[0]); t++) {
		size_t n = strlen(tags[t]);

		if (len - i > n && strncasecmp(buf + i, tags[t], n) == 0 &&
		    (buf[i + n] == ' ' || buf[i + n] == '>' || t == 16 ||
		    buf[i + n] == '\t' || buf[i + n] == '\n' ||
		    buf[i + n] == '\r'))
			return 1;
	}
	return 0;
}

void
html_charset(const char *ctype, char *out, size_t outsz)
{
	const char *p = ctype;
	size_t n;

	if (outsz > 0)
		out[0] = '\0';
	if (p == NULL || outsz == 0)
		return;
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "charset=", 8) != 0)
			continue;
		p += 8;
		if (*p == '"')
			p++;
		n = strcspn(p, "\"; \t");
		if (n >= outsz)
			return;
		memcpy(out, p, n);
		out[n] = '\0';
		return;
	}
}

int
html_parse(struct html_page *pg, const char *buf, size_t len,
    const char *charset, char *err, size_t errsz)
{
	int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT |
	    HTML_PARSE_NODEFDTD;	/* raw must not invent a DOCTYPE */

	html_init();
	memset(pg, 0, sizeof(*pg));
	if (len > (size_t)0x7FFFFFFF) {
		(void)snprintf(err, errsz, "the page is too large to parse");
		return -1;
	}
	if (charset != NULL && *charset != '\0')
		pg->doc = htmlReadMemory(buf, (int)len, NULL, charset, opts);
	if (pg->doc == NULL)	/* no charset, or one libxml2 does not know */
		pg->doc = htmlReadMemory(buf, (int)len, NULL, NULL, opts);
	if (pg->doc == NULL) {
		size_t i = 0;

		while (i < len && strchr(" \t\r\n\f", buf[i]) != NULL &&
		    buf[i] != '\0')
			i++;
		/* An empty page (libxml2 returns no document): no text. */
		if (i == len)
			pg->doc = htmlNewDocNoDtD(NULL, NULL);
	}
	if (pg->doc != NULL)
		/* Numbers the elements, so that XPath sorts node sets by
		 * document order without walking the tree. */
		(void)xmlXPathOrderDocElems(pg->doc);
	if (pg->doc == NULL) {
		(void)snprintf(err, errsz, "the page could not be parsed as HTML%s%s",
		    last_error[0] != '\0' ? ": " : "", last_error);
		return -1;
	}
	return 0;
}

/* Compiles expr, with libxml2's message and offset in err on failure. */
static xmlXPathCompExprPtr
html_compile(const char *expr, char *err, size_t errsz)
{
	xmlXPathCompExprPtr comp;

	html_init();
	last_error[0] = '\0';
	last_error_pos = -1;
	comp = xmlXPathCompile((const xmlChar *)expr);
	if (comp == NULL) {
		if (last_error_pos >= 0)
			(void)snprintf(err, errsz, "%s at offset %d",
			    last_error[0] != '\0' ? last_error : "invalid XPath",
			    last_error_pos);
		else
			(void)snprintf(err, errsz, "%s", last_error[0] != '\0' ?
			    last_error : "invalid XPath expression");
	}
	return comp;
}

int
html_xpath_check(const char *expr, char *err, size_t errsz)
{
	xmlXPathCompExprPtr comp = html_compile(expr, err, errsz);
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr r;
	xmlDocPtr doc;

	if (comp == NULL)
		return -1;
	/* Unknown functions and variables show only when it runs: run it
	 * once on an empty page. */
	doc = htmlNewDocNoDtD(NULL, NULL);
	ctx = doc != NULL ? xmlXPathNewContext(doc) : NULL;
	if (ctx == NULL) {
		if (doc != NULL)
			xmlFreeDoc(doc);
		xmlXPathFreeCompExpr(comp);
		(void)snprintf(err, errsz, "out of memory");
		return -1;
	}
	ctx->node = (xmlNodePtr)doc;
	last_error[0] = '\0';
	r = xmlXPathCompiledEval(comp, ctx);
	if (r == NULL)
		(void)snprintf(err, errsz, "%s", last_error[0] != '\0' ?
		    last_error : "the XPath expression cannot run");
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	xmlXPathFreeCompExpr(comp);
	return r == NULL ? -1 : 0;
}

/* Returns 1 when node still hangs in the document (no ancestor of it was
 * taken out by remove:). */
static int
attached(const struct html_page *pg, xmlNodePtr node)
{
	for (; node != NULL; node = node->parent)
		if (node == (xmlNodePtr)pg->doc)
			return 1;
	return 0;
}

/* Merges the node set of r, one item's result, into *acc.  Returns 0,
 * or -1 with the reason in err. */
static int
eval_nodes(xmlXPathObjectPtr r, xmlNodeSetPtr *acc, char *err, size_t errsz)
{
	if (r->nodesetval == NULL || r->nodesetval->nodeNr == 0)
		return 0;
	*acc = xmlXPathNodeSetMerge(*acc, r->nodesetval);
	if (*acc == NULL) {
		(void)snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

/* Appends the value r, one item's result, to vals as a line ("css:li |
 * xpath:string(a/@href)"), an empty one left out.  Returns 0, or -1
 * with the reason in err. */
static int
eval_value(xmlXPathObjectPtr r, struct strbuf *vals, char *err,
    size_t errsz)
{
	xmlChar *s = xmlXPathCastToString(r);

	if (s == NULL) {
		(void)snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (*s != '\0') {
		(void)strbuf_adds(vals, (const char *)s);
		(void)strbuf_addc(vals, '\n');
	}
	xmlFree(s);
	return 0;
}

/* Ends an evaluation whose items gave values (vals): they go to *text
 * (malloc'd), unless some item gave a node set (acc).  Returns 0, or -1
 * with the reason in err. */
static int
eval_text(struct strbuf *vals, xmlNodeSetPtr acc, char **text, char *err,
    size_t errsz)
{
	if (acc != NULL) {
		(void)snprintf(err, errsz, "the result is not a node set");
		return -1;
	}
	if (vals->oom) {
		(void)snprintf(err, errsz, "out of memory");
		return -1;
	}
	*text = strbuf_detach(vals, NULL);
	return *text != NULL ? 0 : -1;
}

/*
 * Evaluates comp with each item of the page as context node and merges
 * the node sets, in document order, into *out (NULL when nothing
 * matched).  A result that is a value (string, number, boolean) goes to
 * *text instead (malloc'd), one line per item, empty values left out,
 * when text is not NULL.  Returns 0 or -1.
 */
static int
html_eval(const struct html_page *pg, xmlXPathCompExprPtr comp,
    xmlNodeSetPtr *out, char **text, char *err, size_t errsz)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(pg->doc);
	xmlNodeSetPtr acc = NULL;
	struct strbuf vals = { 0 };
	size_t i, n = pg->selected ? pg->nsel : 1;
	int rc = 0, values = 0;

	*out = NULL;
	if (ctx == NULL) {
		(void)snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		xmlXPathObjectPtr r;

		ctx->node = pg->selected ? pg->sel[i] : (xmlNodePtr)pg->doc;
		last_error[0] = '\0';
		r = xmlXPathCompiledEval(comp, ctx);
		if (r == NULL) {
			(void)snprintf(err, errsz, "%s", last_error[0] != '\0' ?
			    last_error : "the XPath expression failed");
			rc = -1;
		} else if (r->type == XPATH_NODESET) {
			rc = eval_nodes(r, &acc, err, errsz);
		} else if (text != NULL && acc == NULL) {
			rc = eval_value(r, &vals, err, errsz);
			values = 1;
		} else {
			(void)snprintf(err, errsz, "the result is not a node set");
			rc = -1;
		}
		xmlXPathFreeObject(r);
	}
	xmlXPathFreeContext(ctx);
	if (rc == 0 && values)
		rc = eval_text(&vals, acc, text, err, errsz);
	strbuf_free(&vals);
	if (rc == -1) {
		xmlXPathFreeNodeSet(acc);
		return -1;
	}
	if (acc != NULL)
		xmlXPathNodeSetSort(acc);
	*out = acc;
	return 0;
}

long
html_select(struct html_page *pg, const char *expr, char **text, char *err,
    size_t errsz)
{
	xmlXPathCompExprPtr comp = html_compile(expr, err, errsz);
	xmlNodeSetPtr set;
	xmlNodePtr *sel;
	long n;

	*text = NULL;
	if (comp == NULL)
		return -1;
	if (html_eval(pg, comp, &set, text, err, errsz) == -1) {
		xmlXPathFreeCompExpr(comp);
		return -1;
	}
	xmlXPathFreeCompExpr(comp);
	if (*text != NULL)
		return 1;
	if (set == NULL)
		return 0;
	n = set->nodeNr;
	sel = malloc((size_t)n * sizeof(*sel));
	if (sel == NULL) {
		xmlXPathFreeNodeSet(set);
		(void)snprintf(err, errsz, "out of memory");
		return -1;
	}
	memcpy(sel, set->nodeTab, (size_t)n * sizeof(*sel));
	xmlXPathFreeNodeSet(set);
	free(pg->sel);
	pg->sel = sel;
	pg->nsel = (size_t)n;
	pg->selected = 1;
	return n;
}

long
html_remove(struct html_page *pg, const char *expr, char *err, size_t errsz)
{
	xmlXPathCompExprPtr comp = html_compile(expr, err, errsz);
	xmlNodeSetPtr set;
	long removed = 0;
	size_t i, k;

	if (comp == NULL)
		return -1;
	if (html_eval(pg, comp, &set, NULL, err, errsz) == -1) {
		xmlXPathFreeCompExpr(comp);
		return -1;
	}
	xmlXPathFreeCompExpr(comp);
	if (set == NULL)
		return 0;
	for (i = 0; i < (size_t)set->nodeNr; i++) {
		xmlNodePtr node = set->nodeTab[i];

		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (pg->ndead == pg->deadcap) {
			size_t cap = pg->deadcap ? pg->deadcap * 2 : 16;
			xmlNodePtr *d = realloc(pg->dead, cap * sizeof(*d));

			if (d == NULL) {
				xmlXPathFreeNodeSet(set);
				(void)snprintf(err, errsz, "out of memory");
				return -1;
			}
			pg->dead = d;
			pg->deadcap = cap;
		}
		xmlUnlinkNode(node);
		pg->dead[pg->ndead++] = node;
		removed++;
	}
	xmlXPathFreeNodeSet(set);
	/* Selected items that went out with what was removed go too. */
	for (i = k = 0; pg->selected && i < pg->nsel; i++)
		if (attached(pg, pg->sel[i]))
			pg->sel[k++] = pg->sel[i];
	if (pg->selected)
		pg->nsel = k;
	return removed;
}

/* The visible-text writer: the text so far and where the line stands. */
struct text_out {
	struct strbuf *out;
	int line;		/* the current line has text */
	int space;		/* white space is pending before the next text */
	size_t prespace;	/* in <pre>: spaces pending before the next text */
	int pre;		/* inside <pre>: keep spaces and line breaks */
};

/* Ends the current line, if it has text. */
static void
text_break(struct text_out *t)
{
	if (t->line)
		(void)strbuf_addc(t->out, '\n');
	t->line = 0;
	t->space = 0;
	t->prespace = 0;
}

/* Adds the text s to the current line, collapsing white space (U+00A0
 * included) outside <pre>. */
static void
text_add(struct text_out *t, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		int nbsp = p[0] == 0xC2 && p[1] == 0xA0;

		if (t->pre && *p == '\n') {
			text_break(t);
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\f' || *p == '\v' || nbsp) {
			if (nbsp)
				p++;
			if (t->pre)
				t->prespace++;
			else if (t->line)
				t->space = 1;
			continue;
		}
		if (t->space || (t->prespace > 0 && !t->pre))
			(void)strbuf_addc(t->out, ' ');
		else
			for (; t->prespace > 0; t->prespace--)
				(void)strbuf_addc(t->out, ' ');
		t->space = 0;
		t->prespace = 0;
		t->line = 1;
		(void)strbuf_addc(t->out, (char)*p);
	}
}

/* Elements that are never shown, with all they hold. */
static int
hidden_element(xmlNodePtr n)
{
	static const char *const names[] = {
		"script", "style", "template", "noscript", "head", "svg",
		"iframe", "object", "embed", "canvas", "audio", "video",
		"datalist", "input"
	};
	xmlChar *v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (xmlStrcasecmp(n->name, (const xmlChar *)names[i]) == 0)
			return 1;
	if (xmlHasProp(n, (const xmlChar *)"hidden") != NULL)
		return 1;
	v = xmlGetProp(n, (const xmlChar *)"style");
	if (v != NULL) {
		char sq[128];
		size_t k = 0;
		const xmlChar *p;

		/* "display : none" and the like: compare without spaces. */
		for (p = v; *p != '\0' && k + 1 < sizeof(sq); p++)
			if (!isspace(*p))
				sq[k++] = (char)tolower(*p);
		sq[k] = '\0';
		xmlFree(v);
		if (strstr(sq, "display:none") != NULL)
			return 1;
	}
	return 0;
}

/* Returns 1 for the elements whose start and end end a line. */
static int
block_element(const xmlChar *name)
{
	static const char *const names[] = {
		"address", "article", "aside", "blockquote", "body", "caption",
		"center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
		"fieldset", "figcaption", "figure", "footer", "form", "frameset",
		"h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
		"html", "legend", "li", "main", "menu", "nav", "ol", "optgroup",
		"option", "p", "pre", "section", "select", "summary", "table",
		"tbody", "textarea", "tfoot", "thead", "title", "tr", "ul"
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (xmlStrcasecmp(name, (const xmlChar *)names[i]) == 0)
			return 1;
	return 0;
}

/* Called on entering node.  Returns 1 when its children are to be
 * walked and text_leave() called after them, 0 when it is done. */
static int
text_enter(struct text_out *t, xmlNodePtr n)
{
	switch (n->type) {
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if (n->content != NULL)
			text_add(t, (const char *)n->content);
		return 0;
	case XML_ELEMENT_NODE:
		if (hidden_element(n))
			return 0;
		if (xmlStrcasecmp(n->name, (const xmlChar *)"br") == 0) {
			text_break(t);
			return 0;
		}
		if (block_element(n->name))
			text_break(t);
		else if (xmlStrcasecmp(n->name, (const xmlChar *)"td") == 0 ||
		    xmlStrcasecmp(n->name, (const xmlChar *)"th") == 0)
			t->space = t->line;
		if (xmlStrcasecmp(n->name, (const xmlChar *)"pre") == 0)
			t->pre++;
		return 1;
	case XML_DOCUMENT_NODE:
	case XML_HTML_DOCUMENT_NODE:
	case XML_DOCUMENT_FRAG_NODE:
		return 1;
	default:		/* comments, processing instructions, DTDs */
		return 0;
	}
}

/* Called on leaving an element whose children were walked. */
static void
text_leave(struct text_out *t, xmlNodePtr n)
{
	if (n->type != XML_ELEMENT_NODE)
		return;
	if (xmlStrcasecmp(n->name, (const xmlChar *)"pre") == 0 && t->pre > 0)
		t->pre--;
	if (block_element(n->name))
		text_break(t);
	else if (xmlStrcasecmp(n->name, (const xmlChar *)"td") == 0 ||
	    xmlStrcasecmp(n->name, (const xmlChar *)"th") == 0)
		t->space = t->line;
}

/* Walks the subtree at top without recursion (pages can nest deeply),
 * writing its visible text. */
static void
text_walk(struct text_out *t, xmlNodePtr top)
{
	xmlNodePtr n = top;

	if (top->type == XML_ATTRIBUTE_NODE) {
		xmlChar *v = xmlNodeGetContent(top);

		if (v != NULL)
			text_add(t, (const char *)v);
		xmlFree(v);
		return;
	}
	for (;;) {
		int entered = text_enter(t, n);

		if (entered && n->children != NULL) {
			n = n->children;
			continue;
		}
		if (entered)
			text_leave(t, n);
		while (n != top && n->next == NULL) {
			n = n->parent;
			text_leave(t, n);
		}
		if (n == top)
			break;
		n = n->next;
	}
}

int
html_text(const struct html_page *pg, struct strbuf *out)
{
	struct strbuf raw = { 0 };
	struct text_out t = { &raw, 0, 0, 0, 0 };
	size_t i;

	if (!pg->selected) {
		text_walk(&t, (xmlNodePtr)pg->doc);
	} else {
		for (i = 0; i < pg->nsel; i++) {
			text_walk(&t, pg->sel[i]);
			text_break(&t);
			t.pre = 0;
		}
	}
	text_break(&t);
	/* libxml2 can leave bytes that are not UTF-8 in a text node (after
	 * an encoding error in the page): the text is always UTF-8. */
	if (util_utf8_valid((const unsigned char *)strbuf_str(&raw), raw.len))
		(void)strbuf_add(out, strbuf_str(&raw), raw.len);
	else
		(void)strbuf_add_utf8(out, strbuf_str(&raw), raw.len);
	strbuf_free(&raw);
	return out->oom || raw.oom ? -1 : 0;
}

/* Appends node (the document when NULL) as UTF-8 HTML to out. */
static int
dump_node(const struct html_page *pg, xmlNodePtr node, struct strbuf *out)
{
	/* No encoder: the tree is UTF-8 already, and with one the bytes
	 * would move to ob->conv. */
	xmlOutputBufferPtr ob = xmlAllocOutputBuffer(NULL);
	const xmlChar *content;

	if (ob == NULL)
		return -1;
	if (node == NULL)
		htmlDocContentDumpFormatOutput(ob, pg->doc, "UTF-8", 0);
	else if (node->type == XML_ATTRIBUTE_NODE || node->type == XML_TEXT_NODE ||
	    node->type == XML_CDATA_SECTION_NODE) {
		xmlChar *v = xmlNodeGetContent(node);
		xmlChar *e = v != NULL ? xmlEncodeSpecialChars(pg->doc, v) : NULL;

		if (e != NULL)
			xmlOutputBufferWriteString(ob, (const char *)e);
		xmlFree(v);
		xmlFree(e);
	} else {
		htmlNodeDumpFormatOutput(ob, pg->doc, node, "UTF-8", 0);
	}
	content = xmlOutputBufferGetContent(ob);
	if (content != NULL)
		(void)strbuf_add(out, (const char *)content,
		    xmlOutputBufferGetSize(ob));
	(void)xmlOutputBufferClose(ob);
	return out->oom ? -1 : 0;
}

int
html_serialize(const struct html_page *pg, struct strbuf *out)
{
	size_t i;

	if (!pg->selected)
		return dump_node(pg, NULL, out);
	for (i = 0; i < pg->nsel; i++) {
		if (dump_node(pg, pg->sel[i], out) == -1)
			return -1;
		(void)strbuf_addc(out, '\n');
	}
	return out->oom ? -1 : 0;
}

void
html_free(struct html_page *pg)
{
	size_t i;

	for (i = 0; i < pg->ndead; i++)
		xmlFreeNode(pg->dead[i]);
	free(pg->dead);
	free(pg->sel);
	if (pg->doc != NULL)
		xmlFreeDoc(pg->doc);
	memset(pg, 0, sizeof(*pg));
}
