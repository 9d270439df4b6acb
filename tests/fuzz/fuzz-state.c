/*
 * fuzz-state.c - libFuzzer harness for the state file loader
 * (src/common/state.c): state_parse(), what state_load() runs on each read.
 *
 * The input is a state file's contents (cut at STATE_MAX bytes, as
 * state_load() reads it).  A parse either fails with an empty state or
 * gives one, which must then survive the writer: state_format() of it
 * parses again, checksum and all, to the same state, field by field, and
 * formatting that gives the same bytes.  A hash is either exactly the 32
 * bytes of 64 hex digits or none at all.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c) do { if (!(c)) { (void)fprintf(stderr, \
	"fuzz-state: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } \
	while (0)

/* Checks that two states hold the same values. */
static void
same_state(const struct state *a, const struct state *b)
{
	REQUIRE(a->identity == b->identity);
	REQUIRE(a->baseline == b->baseline);
	REQUIRE(strcmp(a->etag, b->etag) == 0);
	REQUIRE(strcmp(a->last_modified, b->last_modified) == 0);
	REQUIRE(a->has_hash == b->has_hash);
	REQUIRE(memcmp(a->hash, b->hash, sizeof(a->hash)) == 0);
	REQUIRE(a->last_check == b->last_check);
	REQUIRE(a->last_change == b->last_change);
	REQUIRE(strcmp(a->last_result, b->last_result) == 0);
	REQUIRE(strcmp(a->last_error, b->last_error) == 0);
	REQUIRE(a->failures == b->failures);
	REQUIRE(a->checks == b->checks);
	REQUIRE(a->next_check == b->next_check);
	REQUIRE(a->has_text_hash == b->has_text_hash);
	REQUIRE(memcmp(a->text_hash, b->text_hash, sizeof(a->text_hash)) == 0);
	REQUIRE(a->failing_since == b->failing_since);
	REQUIRE(a->alerted == b->alerted);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[STATE_MAX + 1], out[STATE_MAX], out2[STATE_MAX];
	struct state st, st2;
	size_t n = size < STATE_MAX ? size : STATE_MAX, k, on, on2;
	int i;

	memcpy(buf, data, n);
	buf[n] = '\0';
	if (state_parse(buf, n, &st) == -1) {
		REQUIRE(st.baseline == 0 && st.has_hash == 0 &&
		    st.etag[0] == '\0' && st.checks == 0);
		return 0;
	}
	REQUIRE(st.baseline == 0 || st.baseline == 1);
	if (!st.has_hash)
		for (i = 0; i < (int)sizeof(st.hash); i++)
			REQUIRE(st.hash[i] == 0);
	if (!st.has_text_hash)
		for (i = 0; i < (int)sizeof(st.text_hash); i++)
			REQUIRE(st.text_hash[i] == 0);

	on = state_format(out, sizeof(out), &st);
	REQUIRE(on > 0 && on < sizeof(out));
	for (k = 0; k < on; k++)
		REQUIRE(out[k] != '\0');
	memcpy(buf, out, on);
	buf[on] = '\0';
	REQUIRE(state_parse(buf, on, &st2) == 0);
	same_state(&st, &st2);
	on2 = state_format(out2, sizeof(out2), &st2);
	REQUIRE(on2 == on && memcmp(out, out2, on) == 0);
	return 0;
}
