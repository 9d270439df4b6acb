/*
 * fuzz-filter-chain.c - libFuzzer harness for the filter chain parser and
 * runner (src/helper/filter.c).  The input's first line is a chain, the rest
 * a page.  Properties: no crash, no leak, no undefined behaviour; a chain is
 * refused with one line, or it runs (pipe: steps excepted: no processes here)
 * to a text or to a one-line reason that starts with a step.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helper/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t clen = nl != NULL ? (size_t)(nl - (const char *)data) : size;
	struct filter_opts o = { NULL, 1, NULL };
	struct filter_chain fc;
	struct strbuf out = { 0 };
	char *chain, err[1024] = "";
	size_t i;

	chain = malloc(clen + 1);
	if (chain == NULL)
		return 0;
	memcpy(chain, data, clen);
	chain[clen] = '\0';
	if (filter_parse(chain, &fc, err, sizeof(err)) == -1) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			abort();
		free(chain);
		return 0;
	}
	for (i = 0; i < fc.n; i++)
		if (fc.steps[i].kind == FILTER_PIPE)
			break;
	if (i == fc.n) {
		const char *page = nl != NULL ? nl + 1 : "";
		size_t plen = nl != NULL ? size - clen - 1 : 0;

		/* The type comes from the page's first byte: HTML, JSON,
		 * none (sniffed). */
		o.ctype = plen == 0 ? NULL : page[0] == '<' ? "text/html" :
		    page[0] == '{' ? "application/json" : NULL;
		err[0] = '\0';
		if (filter_run(&fc, page, plen, &o, &out, err, sizeof(err)) == -1 &&
		    (err[0] == '\0' || strchr(err, '\n') != NULL))
			abort();
	}
	strbuf_free(&out);
	filter_free(&fc);
	free(chain);
	return 0;
}
