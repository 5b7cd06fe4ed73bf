/*
 * claude_body.c - which strings of a Messages API request a model reads,
 * and which strings of its answer can hold our tokens; masking the first
 * and unmasking the second.
 *
 * Masked in a request (every other field is structure and stays as it
 * is: model, role, type, ids, tool_use_id, tool names, image data and
 * URLs, cache_control, signatures, metadata):
 *	system				a string, or its text blocks' text
 *	messages[].content		a string, or blocks:
 *	    text			  text; citations' cited_text and
 *					  document_title
 *	    tool_use, server_tool_use	  input: every string in it, keys too
 *	    tool_result (and the other	  content: a string, or blocks
 *	    *_tool_result blocks)	  (recursively)
 *	    document			  title, context; a text source's
 *					  data; a content source's blocks
 *	    search_result		  title; content blocks
 *	    thinking			  thinking
 *	tools[]				description; in input_schema, every
 *					description, title, default, const,
 *					enum and examples string
 * Whatever is not on the list goes out as it came; awsmask-claude then
 * scans the whole body and refuses to send it if an identifier is left
 * anywhere, so a field this list misses costs a refusal, never a leak.
 *
 * Unmasked in an answer: the text blocks' text and citations, every
 * string of tool_use.input (and server_tool_use), and thinking.
 *
 * How: the values to change are gathered into one JSON array, which goes
 * through the library's JSON masker (or unmasker) in one call, so the
 * whole request costs the store one batch per block, strings keep their
 * member keys as context (a tool input's "RoleName"), and escaping is the
 * JSON driver's; then each value is put back where it came from.
 */
#include "mask.h"
#include "claude.h"

#include <string.h>

/* A value to change: parent[key] or parent[index]. */
struct target {
	json_t *parent;
	const char *key;	/* a literal; NULL: index */
	size_t index;
};

struct targets {
	struct target *v;
	size_t n, cap;
	int nomem;
};

static void
add(struct targets *t, json_t *parent, const char *key, size_t index)
{
	json_t *v = key ? json_object_get(parent, key) :
	    json_array_get(parent, index);

	if (!v || json_is_null(v) || json_is_boolean(v) || json_is_number(v))
		return;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct target *p = am_realloc(t->v, cap * sizeof(*p));

		if (!p) {
			t->nomem = 1;
			return;
		}
		t->v = p;
		t->cap = cap;
	}
	t->v[t->n].parent = parent;
	t->v[t->n].key = key;
	t->v[t->n].index = index;
	t->n++;
}

/* parent[key] when it is a string. */
static void
add_str(struct targets *t, json_t *parent, const char *key)
{
	if (json_is_string(json_object_get(parent, key)))
		add(t, parent, key, 0);
}

static const char *
type_of(json_t *block)
{
	const char *s = json_string_value(json_object_get(block, "type"));

	return s ? s : "";
}

static void
citations(struct targets *t, json_t *block)
{
	json_t *c, *cits = json_object_get(block, "citations");
	size_t i;

	json_array_foreach(cits, i, c) {
		add_str(t, c, "cited_text");
		add_str(t, c, "document_title");
	}
}

static void blocks(struct targets *t, json_t *content, int depth);

/* A string or an array of blocks, under parent[key]. */
static void
content_of(struct targets *t, json_t *parent, const char *key, int depth)
{
	json_t *v = json_object_get(parent, key);

	if (json_is_string(v))
		add(t, parent, key, 0);
	else if (json_is_array(v))
		blocks(t, v, depth + 1);
}

static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && !strcmp(s + n - m, tail);
}

static void
blocks(struct targets *t, json_t *content, int depth)
{
	json_t *b;
	size_t i;

	if (depth > 16)		/* blocks in blocks: no real request nests so */
		return;
	json_array_foreach(content, i, b) {
		const char *type = type_of(b);

		if (json_is_string(b)) {
			add(t, content, NULL, i);
		} else if (!strcmp(type, "text")) {
			add_str(t, b, "text");
			citations(t, b);
		} else if (!strcmp(type, "tool_use") ||
		    !strcmp(type, "server_tool_use")) {
			add(t, b, "input", 0);
		} else if (!strcmp(type, "tool_result") ||
		    ends_with(type, "_tool_result")) {
			content_of(t, b, "content", depth);
		} else if (!strcmp(type, "document")) {
			json_t *src = json_object_get(b, "source");
			const char *st = type_of(src);

			add_str(t, b, "title");
			add_str(t, b, "context");
			if (!strcmp(st, "text"))
				add_str(t, src, "data");
			else if (!strcmp(st, "content"))
				content_of(t, src, "content", depth);
		} else if (!strcmp(type, "search_result")) {
			add_str(t, b, "title");
			content_of(t, b, "content", depth);
		} else if (!strcmp(type, "thinking")) {
			add_str(t, b, "thinking");
		}
	}
}

/* The strings of a JSON schema a model reads. */
static void
schema(struct targets *t, json_t *s, int depth)
{
	static const char *const keys[] = {
		"description", "title", "default", "const", "enum", "examples",
	};
	const char *k;
	json_t *v;
	size_t i;

	if (depth > 64)
		return;
	if (json_is_array(s)) {
		json_array_foreach(s, i, v)
			schema(t, v, depth + 1);
		return;
	}
	if (!json_is_object(s))
		return;
	for (i = 0; i < AM_ARRAY_SIZE(keys); i++)
		if (json_is_string(json_object_get(s, keys[i])) ||
		    json_is_array(json_object_get(s, keys[i])))
			add(t, s, keys[i], 0);
	json_object_foreach(s, k, v) {
		for (i = 0; i < AM_ARRAY_SIZE(keys); i++)
			if (!strcmp(k, keys[i]))
				break;
		if (i == AM_ARRAY_SIZE(keys))
			schema(t, v, depth + 1);
	}
}

static void
request_targets(struct targets *t, json_t *req)
{
	json_t *v, *m;
	size_t i;

	v = json_object_get(req, "system");
	if (json_is_string(v))
		add(t, req, "system", 0);
	else if (json_is_array(v))
		blocks(t, v, 0);
	json_array_foreach(json_object_get(req, "messages"), i, m)
		content_of(t, m, "content", 0);
	json_array_foreach(json_object_get(req, "tools"), i, v) {
		add_str(t, v, "description");
		schema(t, json_object_get(v, "input_schema"), 0);
	}
}

static void
answer_targets(struct targets *t, json_t *content)
{
	json_t *b;
	size_t i;

	json_array_foreach(content, i, b) {
		const char *type = type_of(b);

		if (!strcmp(type, "text")) {
			add_str(t, b, "text");
			citations(t, b);
		} else if (!strcmp(type, "tool_use") ||
		    !strcmp(type, "server_tool_use")) {
			add(t, b, "input", 0);
		} else if (!strcmp(type, "thinking")) {
			add_str(t, b, "thinking");
		}
	}
}

static void
note_unknown(void *arg, const char *token, unsigned long long line, int why)
{
	(void)token;
	(void)line;
	(void)why;
	(*(unsigned long long *)arg)++;
}

/*
 * Pack the targets' values, mask or unmask the pack as JSON, and put the
 * results back.
 */
static int
transform(struct awsmask *am, struct targets *t, int unmask,
    unsigned long long *unknown)
{
	json_t *pack, *back = NULL;
	json_error_t jerr;
	char *text = NULL, *out = NULL;
	size_t i, outlen = 0;
	int rc = AWSMASK_OK;

	if (t->nomem)
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	if (!t->n)
		return AWSMASK_OK;
	if (!(pack = json_array()))
		return am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
	for (i = 0; i < t->n; i++) {
		const struct target *g = &t->v[i];
		json_t *v = g->key ? json_object_get(g->parent, g->key) :
		    json_array_get(g->parent, g->index);

		if (json_array_append(pack, v) < 0) {
			rc = am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (!(text = json_dumps(pack, JSON_COMPACT))) {
		rc = am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
		goto out;
	}
	am->format_force = AWSMASK_FORMAT_JSON;
	rc = unmask ? awsmask_unmask_buffer(am, text, strlen(text), &out,
	    &outlen, unknown ? note_unknown : NULL, unknown) :
	    awsmask_mask_buffer(am, text, strlen(text), &out, &outlen);
	am->format_force = 0;
	if (rc)
		goto out;
	back = json_loadb(out, outlen, JSON_ALLOW_NUL, &jerr);
	if (!back || json_array_size(back) != t->n) {
		/* The JSON driver keeps the structure: this is a bug. */
		rc = am_seterr(&am->err, AWSMASK_EDATA, "%s JSON lost its "
		    "shape", unmask ? "unmasked" : "masked");
		goto out;
	}
	for (i = 0; i < t->n; i++) {
		const struct target *g = &t->v[i];
		json_t *v = json_array_get(back, i);

		if ((g->key ? json_object_set(g->parent, g->key, v) :
		    json_array_set(g->parent, g->index, v)) < 0) {
			rc = am_seterr(&am->err, AWSMASK_ENOMEM, "out of memory");
			goto out;
		}
	}
out:
	json_decref(back);
	json_decref(pack);
	free(text);		/* jansson's, from malloc */
	am_free(out);
	return rc;
}

int
am_claude_mask_request(struct awsmask *am, json_t *req)
{
	struct targets t = { NULL, 0, 0, 0 };
	int rc;

	request_targets(&t, req);
	rc = transform(am, &t, 0, NULL);
	am_free(t.v);
	return rc;
}

int
am_claude_unmask_content(struct awsmask *am, json_t *content,
    unsigned long long *unknown)
{
	struct targets t = { NULL, 0, 0, 0 };
	int rc;

	answer_targets(&t, content);
	rc = transform(am, &t, 1, unknown);
	am_free(t.v);
	return rc;
}
