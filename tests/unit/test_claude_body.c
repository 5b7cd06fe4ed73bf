/*
 * Unit tests for lib/claude_body.c: which strings of a Messages request
 * are masked (each kind of block, tool descriptions and schemas) and
 * which are left as they are (model, ids, names, image data, URLs,
 * cache_control, signatures, metadata); the answer's strings unmasked;
 * the library's refusal when an identifier is left where masking does
 * not reach; and the client's errors before any request.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mask.h"
#include "claude.h"

#define ID "i-0abc12de34f567890"
#define VPC "vpc-0a1b2c3d4e5f67890"

struct ctx {
	struct awsmask_config *cfg;
	struct awsmask *am;
};

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (awsmask_config_new(&c->cfg) ||
	    awsmask_config_set(c->cfg, "store", "memory:") ||
	    awsmask_new(c->cfg, &c->am))
		return -1;
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	awsmask_free(c->am);
	awsmask_config_free(c->cfg);
	free(c);
	return 0;
}

static const char request[] =
	"{\"model\": \"claude-" ID "\", \"max_tokens\": 10,"
	" \"metadata\": {\"user_id\": \"" ID "\"},"
	" \"system\": [{\"type\": \"text\", \"text\": \"sys " ID "\","
	"   \"cache_control\": {\"type\": \"ephemeral\"}}],"
	" \"tools\": [{\"name\": \"t-" ID "\", \"description\": \"desc " ID "\","
	"   \"input_schema\": {\"type\": \"object\", \"properties\": {\"Id\":"
	"     {\"type\": \"string\", \"description\": \"like " ID "\","
	"      \"enum\": [\"" ID "\", 7], \"default\": \"" VPC "\"}}}}],"
	" \"messages\": ["
	"  {\"role\": \"user\", \"content\": \"plain " ID "\"},"
	"  {\"role\": \"assistant\", \"content\": ["
	"    {\"type\": \"thinking\", \"thinking\": \"think " ID "\","
	"     \"signature\": \"sig-" ID "\"},"
	"    {\"type\": \"text\", \"text\": \"text " ID "\", \"citations\":"
	"      [{\"type\": \"char_location\", \"cited_text\": \"cite " ID "\","
	"        \"document_title\": \"title " VPC "\", \"document_index\": 0}]},"
	"    {\"type\": \"tool_use\", \"id\": \"toolu_" ID "\", \"name\": \"n-" ID "\","
	"     \"input\": {\"" ID "\": [\"" VPC "\", {\"deep\": \"" ID "\"}], \"n\": 1}}]},"
	"  {\"role\": \"user\", \"content\": ["
	"    {\"type\": \"tool_result\", \"tool_use_id\": \"toolu_" ID "\","
	"     \"content\": \"result " ID "\"},"
	"    {\"type\": \"tool_result\", \"tool_use_id\": \"x\", \"content\": ["
	"      {\"type\": \"text\", \"text\": \"nested " ID "\"},"
	"      {\"type\": \"image\", \"source\": {\"type\": \"base64\","
	"       \"media_type\": \"image/png\", \"data\": \"" ID "\"}}]},"
	"    {\"type\": \"document\", \"title\": \"doc " ID "\", \"context\": \"ctx " ID "\","
	"     \"source\": {\"type\": \"text\", \"media_type\": \"text/plain\","
	"      \"data\": \"data " ID "\"}},"
	"    {\"type\": \"document\", \"source\": {\"type\": \"content\", \"content\": ["
	"      {\"type\": \"text\", \"text\": \"chunk " ID "\"}]}},"
	"    {\"type\": \"search_result\", \"source\": \"https://x/" ID "\","
	"     \"title\": \"sr " ID "\", \"content\": [{\"type\": \"text\", \"text\": \"srt " ID "\"}]},"
	"    {\"type\": \"image\", \"source\": {\"type\": \"url\", \"url\": \"https://x/" ID "\"}},"
	"    {\"type\": \"web_search_tool_result\", \"tool_use_id\": \"w\", \"content\": \"web " ID "\"},"
	"    {\"type\": \"mystery\", \"text\": \"left " ID "\"}]}]}";

static json_t *
at(json_t *root, const char *path)
{
	json_t *v = root;
	char buf[256], *p, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strtok_r(buf, ".", &save); p && v; p = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, strtoul(p, NULL, 10)) :
		    json_object_get(v, p);
	assert_non_null(v);
	return v;
}

static void
is(json_t *root, const char *path, const char *want)
{
	const char *got = json_string_value(at(root, path));

	if (!got || strcmp(got, want))
		fail_msg("%s: '%s', want '%s'", path, got ? got : "(not a string)",
		    want);
}

static void
test_mask_request(void **state)
{
	struct ctx *c = *state;
	json_error_t e;
	json_t *r = json_loads(request, 0, &e);

	if (!r)
		fail_msg("test request: %s at %d", e.text, e.column);
	assert_int_equal(am_claude_mask_request(c->am, r), AWSMASK_OK);
	/* Masked. */
	is(r, "system.0.text", "sys EC2_001");
	is(r, "tools.0.description", "desc EC2_001");
	is(r, "tools.0.input_schema.properties.Id.description", "like EC2_001");
	is(r, "tools.0.input_schema.properties.Id.enum.0", "EC2_001");
	assert_int_equal(json_integer_value(at(r,
	    "tools.0.input_schema.properties.Id.enum.1")), 7);
	is(r, "tools.0.input_schema.properties.Id.default", "VPC_001");
	is(r, "messages.0.content", "plain EC2_001");
	is(r, "messages.1.content.0.thinking", "think EC2_001");
	is(r, "messages.1.content.1.text", "text EC2_001");
	is(r, "messages.1.content.1.citations.0.cited_text", "cite EC2_001");
	is(r, "messages.1.content.1.citations.0.document_title", "title VPC_001");
	is(r, "messages.1.content.2.input.EC2_001.0", "VPC_001");
	is(r, "messages.1.content.2.input.EC2_001.1.deep", "EC2_001");
	assert_int_equal(json_integer_value(at(r, "messages.1.content.2.input.n")),
	    1);
	is(r, "messages.2.content.0.content", "result EC2_001");
	is(r, "messages.2.content.1.content.0.text", "nested EC2_001");
	is(r, "messages.2.content.2.title", "doc EC2_001");
	is(r, "messages.2.content.2.context", "ctx EC2_001");
	is(r, "messages.2.content.2.source.data", "data EC2_001");
	is(r, "messages.2.content.3.source.content.0.text", "chunk EC2_001");
	is(r, "messages.2.content.4.title", "sr EC2_001");
	is(r, "messages.2.content.4.content.0.text", "srt EC2_001");
	is(r, "messages.2.content.6.content", "web EC2_001");
	/* Structure: as it was. */
	is(r, "model", "claude-" ID);
	is(r, "metadata.user_id", ID);
	is(r, "system.0.cache_control.type", "ephemeral");
	is(r, "tools.0.name", "t-" ID);
	is(r, "messages.1.content.0.signature", "sig-" ID);
	is(r, "messages.1.content.2.id", "toolu_" ID);
	is(r, "messages.1.content.2.name", "n-" ID);
	is(r, "messages.2.content.0.tool_use_id", "toolu_" ID);
	is(r, "messages.2.content.1.content.1.source.data", ID);
	is(r, "messages.2.content.4.source", "https://x/" ID);
	is(r, "messages.2.content.5.source.url", "https://x/" ID);
	is(r, "messages.2.content.7.text", "left " ID);
	json_decref(r);
}

static void
test_unmask_content(void **state)
{
	struct ctx *c = *state;
	json_error_t e;
	json_t *r = json_loads(request, 0, &e), *content;
	unsigned long long unknown = 0;

	assert_int_equal(am_claude_mask_request(c->am, r), AWSMASK_OK);
	content = json_loads("[{\"type\": \"text\", \"text\": \"ec2-001 and "
	    "**EC2\\\\_001** in VPC_001, not EC2_999\"},"
	    "{\"type\": \"tool_use\", \"id\": \"toolu_EC2_001\", \"name\": \"EC2_001\","
	    " \"input\": {\"EC2_001\": [\"VPC_001\"], \"q\": \"say \\\"EC2_001\\\"\"}},"
	    "{\"type\": \"thinking\", \"thinking\": \"EC2_001\", \"signature\": \"EC2_001\"},"
	    "{\"type\": \"redacted_thinking\", \"data\": \"EC2_001\"}]", 0, &e);
	assert_non_null(content);
	assert_int_equal(am_claude_unmask_content(c->am, content, &unknown),
	    AWSMASK_OK);
	is(content, "0.text", ID " and **" ID "** in " VPC ", not EC2_999");
	is(content, "1.input." ID ".0", VPC);
	is(content, "1.input.q", "say \"" ID "\"");
	is(content, "1.id", "toolu_EC2_001");
	is(content, "1.name", "EC2_001");
	is(content, "2.thinking", ID);
	is(content, "2.signature", "EC2_001");
	is(content, "3.data", "EC2_001");
	assert_int_equal(unknown, 1);
	json_decref(content);
	json_decref(r);
}

/* Through the public API: the refusal, and what is not sent. */
static void
test_refusal(void **state)
{
	struct ctx *c = *state;
	struct awsmask_claude_opts o;
	struct awsmask_claude *cl;
	const char *body;
	size_t n;

	memset(&o, 0, sizeof(o));
	o.max_retries = -1;
	o.outfd = -1;
	assert_int_equal(awsmask_claude_new(c->am, &o, &cl), AWSMASK_OK);
	assert_int_equal(awsmask_claude_request_json(cl, request,
	    strlen(request)), AWSMASK_OK);
	assert_int_equal(awsmask_claude_mask(cl), AWSMASK_EDATA);
	assert_non_null(strstr(awsmask_claude_errstr(cl), "refusing to send: "));
	assert_null(strstr(awsmask_claude_errstr(cl), ID));
	assert_null(awsmask_claude_body(cl, &n));
	assert_int_equal(n, 0);
	/* It sticks: no send. */
	assert_int_equal(awsmask_claude_send(cl), AWSMASK_EDATA);
	awsmask_claude_free(cl);

	/* A clean request passes, and its body is what would be sent. */
	assert_int_equal(awsmask_claude_new(c->am, &o, &cl), AWSMASK_OK);
	assert_int_equal(awsmask_claude_request_text(cl, "where is " ID "?",
	    strlen("where is " ID "?")),
	    AWSMASK_OK);
	assert_int_equal(awsmask_claude_mask(cl), AWSMASK_OK);
	body = awsmask_claude_body(cl, &n);
	assert_non_null(body);
	assert_int_equal(n, strlen(body));
	assert_non_null(strstr(body, "\"content\":\"where is EC2_001?\""));
	assert_null(strstr(body, ID));
	/* No key: nothing can be sent (and the cache is empty). */
	assert_int_equal(awsmask_claude_send(cl), AWSMASK_ECONFIG);
	awsmask_claude_free(cl);
}

static void
test_errors(void **state)
{
	struct ctx *c = *state;
	struct awsmask_claude_opts o;
	struct awsmask_claude *cl;

	awsmask_claude_free(NULL);
	memset(&o, 0, sizeof(o));
	assert_int_equal(awsmask_claude_new(NULL, &o, &cl), AWSMASK_EINVAL);
	assert_null(cl);
	assert_int_equal(awsmask_claude_new(c->am, &o, NULL), AWSMASK_EINVAL);
	o.api_key = "sk-with\nnewline";
	assert_int_equal(awsmask_claude_new(c->am, &o, &cl), AWSMASK_ECONFIG);
	assert_null(strstr(awsmask_claude_errstr(cl), "sk-with"));
	awsmask_claude_free(cl);
	o.api_key = "sk-ok";
	assert_int_equal(awsmask_claude_new(c->am, &o, &cl), AWSMASK_OK);
	/* Bad JSON: where, never what. */
	assert_int_equal(awsmask_claude_request_json(cl, "{\"m\": " ID "}", 28),
	    AWSMASK_EDATA);
	assert_non_null(strstr(awsmask_claude_errstr(cl), "line 1, column"));
	assert_null(strstr(awsmask_claude_errstr(cl), ID));
	awsmask_claude_free(cl);
	assert_int_equal(awsmask_claude_new(c->am, &o, &cl), AWSMASK_OK);
	assert_int_equal(awsmask_claude_request_json(cl, "[1]", 3), AWSMASK_EDATA);
	awsmask_claude_free(cl);
	assert_int_equal(awsmask_claude_new(c->am, &o, &cl), AWSMASK_OK);
	assert_int_equal(awsmask_claude_request_text(cl, "\xff\xfe", 2),
	    AWSMASK_EDATA);
	awsmask_claude_free(cl);
	assert_int_equal(awsmask_claude_new(c->am, &o, &cl), AWSMASK_OK);
	assert_int_equal(awsmask_claude_mask(cl), AWSMASK_EINVAL);
	awsmask_claude_free(cl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mask_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmask_content, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
