/*
 * fuzz-css.c - libFuzzer harness for the CSS -> XPath translation
 * (src/helper/css.c).  Properties: no crash, no leak, no undefined behaviour;
 * a translation is refused with a one-line reason, or it is an XPath 1.0
 * expression that libxml2 compiles and that selects without error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>

#include "helper/css.h"
#include "helper/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct html_page pg;
	static int parsed;
	char *sel, *x, err[512] = "", *text = NULL;

	if (!parsed) {
		static const char doc[] = "<ul class=a><li id=x>1</li>"
		    "<li class='b c'>2</li><li lang=en-us>3</li></ul><p>4</p>";

		if (html_parse(&pg, doc, sizeof(doc) - 1, NULL, err,
		    sizeof(err)) == -1)
			abort();
		parsed = 1;
	}
	sel = malloc(size + 1);
	if (sel == NULL)
		return 0;
	memcpy(sel, data, size);
	sel[size] = '\0';
	x = css_to_xpath(sel, err, sizeof(err));
	if (x == NULL) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			abort();	/* a reason, on one line */
	} else {
		struct html_page copy = pg;
		long n;

		if (html_xpath_check(x, err, sizeof(err)) == -1)
			abort();	/* we wrote XPath libxml2 refuses */
		copy.sel = NULL;
		copy.nsel = 0;
		copy.selected = 0;
		n = html_select(&copy, x, &text, err, sizeof(err));
		if (n < 0 || text != NULL)
			abort();	/* a node set, always */
		free(copy.sel);
		free(x);
	}
	free(sel);
	return 0;
}
