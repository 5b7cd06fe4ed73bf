/*
 * Unit tests for lib/token.c: the token grammar, PREFIX_NNN, in both its
 * exact and its tolerant forms, and the rules awsmask and awsunmask
 * share (am_token_tolerated).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Two custom kinds, one with a prefix longer than any of the catalogue. */
static const struct am_kind custom[] = {
	{ "jira", "TICKET", "T-[0-9]+", NULL, "ticket", 0, NULL },
	{ "long", "A_B_C_D_E_F_G_H_I_J_K_L_M_N", "x[0-9]+", NULL, "long", 0,
	    NULL },
};

struct re {
	pcre2_code *code;
	pcre2_match_data *md;
};

static void
re_compile(struct re *r, const struct am_kind *c, size_t nc, int tolerant)
{
	char *pat = am_token_pattern(c, nc, tolerant);
	PCRE2_SIZE erroff;
	int errcode;

	assert_non_null(pat);
	r->code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0,
	    &errcode, &erroff, NULL);
	if (!r->code)
		fail_msg("token pattern does not compile at %zu", (size_t)erroff);
	r->md = pcre2_match_data_create_from_pattern(r->code, NULL);
	assert_non_null(r->md);
	am_free(pat);
}

static void
re_free(struct re *r)
{
	pcre2_match_data_free(r->md);
	pcre2_code_free(r->code);
}

/* The first match in s as "[start,end)", or "-" for none. */
static const char *
first_match(struct re *r, const char *s)
{
	static char out[64];
	PCRE2_SIZE *ov;
	int rc;

	rc = pcre2_match(r->code, (PCRE2_SPTR)s, strlen(s), 0, 0, r->md, NULL);
	if (rc == PCRE2_ERROR_NOMATCH)
		return "-";
	assert_true(rc > 0);
	ov = pcre2_get_ovector_pointer(r->md);
	snprintf(out, sizeof(out), "%.*s", (int)(ov[1] - ov[0]), s + ov[0]);
	return out;
}

static void
test_prefix_set(void **state)
{
	struct am_map *m = am_prefix_set_new(NULL, 0), *mc;
	size_t i;

	(void)state;
	assert_non_null(m);
	/* Every row's prefix, every extra one, nothing else. */
	for (i = 0; i < am_nkinds; i++)
		if (am_kinds[i].prefix)
			assert_non_null(am_map_get(m, am_kinds[i].prefix,
			    strlen(am_kinds[i].prefix), NULL));
	for (i = 0; am_extra_prefixes[i]; i++)
		assert_non_null(am_map_get(m, am_extra_prefixes[i],
		    strlen(am_extra_prefixes[i]), NULL));
	assert_null(am_map_get(m, "HTTP", 4, NULL));
	assert_null(am_map_get(m, "ec2", 3, NULL));
	assert_null(am_map_get(m, "TICKET", 6, NULL));
	mc = am_prefix_set_new(custom, AM_ARRAY_SIZE(custom));
	assert_non_null(mc);
	assert_non_null(am_map_get(mc, "TICKET", 6, NULL));
	assert_int_equal(am_map_count(mc), am_map_count(m) + 2);
	am_map_free(m);
	am_map_free(mc);
}

static void
test_valid(void **state)
{
	static const char *const yes[] = { "EC2_001", "EC2_0012",
	    "EC2_123456", "NAT_GW_001", "SG_RULE_999", "ACCOUNT_001",
	    "IAM_ROLE_010", "TICKET_001" };
	static const char *const no[] = { "EC2_01", "EC2_", "EC2", "_001",
	    "HTTP_200", "ERR_404", "ec2_001", "EC2-001", "EC2_001x",
	    "EC2__001", "EC2_00a1", "", "X_001", "NAT_GW001" };
	struct am_map *m = am_prefix_set_new(custom, AM_ARRAY_SIZE(custom));
	size_t i;

	(void)state;
	for (i = 0; i < AM_ARRAY_SIZE(yes); i++)
		if (!am_token_valid(m, yes[i], strlen(yes[i])))
			fail_msg("'%s' is a token", yes[i]);
	for (i = 0; i < AM_ARRAY_SIZE(no); i++)
		if (am_token_valid(m, no[i], strlen(no[i])))
			fail_msg("'%s' is not a token", no[i]);
	/* Length counts: a prefix of a token is not one. */
	assert_false(am_token_valid(m, "EC2_0012", 6));
	assert_true(am_token_valid(m, "EC2_0012", 7));
	am_map_free(m);
}

static void
test_pattern_exact(void **state)
{
	static const char *const cases[][2] = {
		{ "see EC2_001 now", "EC2_001" },
		{ "EC2_01", "-" },
		{ "EC2_0012", "EC2_0012" },
		{ "xEC2_001", "-" },
		{ "EC2_001x", "-" },
		{ "3EC2_001", "-" },
		/* An '_' may touch it: snake_case around a masked ID. */
		{ "backup_EC2_001_2026.tar", "EC2_001" },
		/* The longest prefix wins. */
		{ "NAT_GW_001", "NAT_GW_001" },
		{ "ECS_TASKDEF_001", "ECS_TASKDEF_001" },
		{ "ECS_TASK_001", "ECS_TASK_001" },
		{ "ec2_001", "-" },
		{ "EC2-001", "-" },
		{ "HTTP_200", "-" },
		{ "TICKET_001", "-" },
		{ "EC2_123456789012345678901", "-" },
		{ "EC2_12345678901234567890", "EC2_12345678901234567890" },
	};
	struct re r;
	size_t i;

	(void)state;
	re_compile(&r, NULL, 0, 0);
	for (i = 0; i < AM_ARRAY_SIZE(cases); i++)
		if (strcmp(first_match(&r, cases[i][0]), cases[i][1]))
			fail_msg("'%s': got '%s', want '%s'", cases[i][0],
			    first_match(&r, cases[i][0]), cases[i][1]);
	re_free(&r);
	/* Custom prefixes join the grammar. */
	re_compile(&r, custom, AM_ARRAY_SIZE(custom), 0);
	assert_string_equal(first_match(&r, "TICKET_001"), "TICKET_001");
	re_free(&r);
}

static void
test_pattern_tolerant(void **state)
{
	static const char *const cases[][2] = {
		{ "ec2_001", "ec2_001" },
		{ "Ec2_001", "Ec2_001" },
		{ "EC2\\_001", "EC2\\_001" },
		{ "EC2-001", "EC2-001" },
		{ "EC2\xe2\x80\x90" "001", "EC2\xe2\x80\x90" "001" },
		{ "EC2\xe2\x80\x91" "001", "EC2\xe2\x80\x91" "001" },
		{ "nat-gw-001", "nat-gw-001" },
		{ "NAT\\_GW\\_001", "NAT\\_GW\\_001" },
		{ "**EC2_001**", "EC2_001" },
		/* En and em dashes are punctuation, not separators. */
		{ "EC2\xe2\x80\x93" "001", "-" },
		{ "EC2\xe2\x80\x94" "001", "-" },
		{ "EC2 001", "-" },
		{ "EC2__001", "-" },
		{ "ec2-01", "-" },
		/* The grammar matches; am_token_tolerated() refuses it. */
		{ "web-ec2-001", "ec2-001" },
	};
	struct re r;
	size_t i;

	(void)state;
	re_compile(&r, NULL, 0, 1);
	for (i = 0; i < AM_ARRAY_SIZE(cases); i++)
		if (strcmp(first_match(&r, cases[i][0]), cases[i][1]))
			fail_msg("'%s': got '%s', want '%s'", cases[i][0],
			    first_match(&r, cases[i][0]), cases[i][1]);
	re_free(&r);
}

/* Write prefix p with each '_' as sep, lower-cased when asked, then the
 * separator and 001. */
static void
form(char *out, size_t size, const char *p, const char *sep, int lower)
{
	size_t o = 0;

	for (; *p && o + 8 < size; p++) {
		if (*p == '_') {
			o += (size_t)snprintf(out + o, size - o, "%s", sep);
			continue;
		}
		out[o++] = lower && *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' +
		    'a') : *p;
	}
	snprintf(out + o, size - o, "%s001", sep);
}

/*
 * Every prefix in every form: the tolerant grammar matches it whole, its
 * canonical form is the exact token, which is valid and which the exact
 * grammar matches whole; the exact grammar takes no other form.
 */
static void
test_every_prefix(void **state)
{
	static const char *const seps[] = { "_", "\\_", "-", "\xe2\x80\x90",
	    "\xe2\x80\x91" };
	struct am_map *m = am_prefix_set_new(NULL, 0);
	struct re exact, tol;
	size_t i, s, n, checked = 0;
	char buf[256], canon[256], want[128];
	int lower, hyphen;

	(void)state;
	re_compile(&exact, NULL, 0, 0);
	re_compile(&tol, NULL, 0, 1);
	for (i = 0; i < am_nkinds + 64; i++) {
		const char *p;

		if (i < am_nkinds)
			p = am_kinds[i].prefix;
		else if (!(p = am_extra_prefixes[i - am_nkinds]))
			break;
		if (!p)
			continue;
		snprintf(want, sizeof(want), "%s_001", p);
		assert_true(am_token_valid(m, want, strlen(want)));
		assert_string_equal(first_match(&exact, want), want);
		for (s = 0; s < AM_ARRAY_SIZE(seps); s++)
			for (lower = 0; lower < 2; lower++) {
				form(buf, sizeof(buf), p, seps[s], lower);
				if (strcmp(first_match(&tol, buf), buf))
					fail_msg("tolerant: '%s' not whole (%s)",
					    buf, first_match(&tol, buf));
				n = am_token_canon(buf, strlen(buf), canon,
				    &hyphen);
				assert_int_equal(n, strlen(want));
				assert_memory_equal(canon, want, n);
				assert_int_equal(hyphen, s == 2 || s >= 3);
				if (s || lower)
					assert_string_not_equal(first_match(
					    &exact, buf), buf);
				assert_true(am_token_tolerated(buf, strlen(buf),
				    0, strlen(buf)));
				checked++;
			}
	}
	assert_true(checked > 500);
	re_free(&exact);
	re_free(&tol);
	am_map_free(m);
}

static void
test_max_prefix(void **state)
{
	size_t plain = am_token_max_prefix(NULL, 0), i;
	char buf[256];

	(void)state;
	/* With '_' as three bytes, and the separator before the digits. */
	assert_int_equal(am_token_max_prefix(custom, AM_ARRAY_SIZE(custom)),
	    14 + 13 * 3 + 3);
	/* Every prefix's widest form fits before its digits. */
	for (i = 0; i < am_nkinds; i++) {
		if (!am_kinds[i].prefix)
			continue;
		form(buf, sizeof(buf), am_kinds[i].prefix, "\xe2\x80\x91", 0);
		assert_true(strlen(buf) - 3 <= plain);
	}
	assert_true(plain >= strlen("TARGET_GROUP") + 2 + 3);
}

static void
test_canon(void **state)
{
	char out[64];
	size_t n;
	int hyphen = -1;

	(void)state;
	n = am_token_canon("EC2_001", 7, out, &hyphen);
	assert_int_equal(n, 7);
	assert_memory_equal(out, "EC2_001", 7);
	assert_int_equal(hyphen, 0);
	n = am_token_canon("ec2-001", 7, out, &hyphen);
	assert_memory_equal(out, "EC2_001", n);
	assert_int_equal(hyphen, 1);
	n = am_token_canon("Nat\\_gw\\_001", 12, out, &hyphen);
	assert_int_equal(n, 10);
	assert_memory_equal(out, "NAT_GW_001", 10);
	assert_int_equal(hyphen, 0);
	n = am_token_canon("nat\xe2\x80\x91gw_001", 12, out, &hyphen);
	assert_int_equal(n, 10);
	assert_memory_equal(out, "NAT_GW_001", 10);
	assert_int_equal(hyphen, 1);
	/* Empty in, empty out. */
	assert_int_equal(am_token_canon("", 0, out, &hyphen), 0);
	assert_int_equal(hyphen, 0);
}

/* Is the whole of tok, where it stands in s, taken for a token? */
static int
tolerated(const char *s, const char *tok)
{
	const char *at = strstr(s, tok);

	assert_non_null(at);
	return am_token_tolerated(s, strlen(s), (size_t)(at - s),
	    (size_t)(at - s) + strlen(tok));
}

static void
test_tolerated(void **state)
{
	(void)state;
	/* Exact forms stand anywhere a token can, '_' around them too. */
	assert_true(tolerated("EC2_001", "EC2_001"));
	assert_true(tolerated("backup_EC2_001_2026.tar", "EC2_001"));
	assert_true(tolerated("web-EC2_001.example.com", "EC2_001"));
	/* The other forms never touch an '_': snake_case words stay. */
	assert_false(tolerated("test_rds_001", "rds_001"));
	assert_false(tolerated("x_ec2-001", "ec2-001"));
	assert_false(tolerated("ec2-001_y", "ec2-001"));
	assert_true(tolerated("see ec2_001.", "ec2_001"));
	/* A hyphenated form joined to a name by '-' or '.' is the name's. */
	assert_false(tolerated("web-ec2-001", "ec2-001"));
	assert_false(tolerated("ec2-001.example.com", "ec2-001"));
	assert_false(tolerated("ec2-001-b", "ec2-001"));
	assert_true(tolerated("ec2-001.", "ec2-001"));
	assert_true(tolerated("ec2-001. Next", "ec2-001"));
	assert_true(tolerated("(ec2-001)", "ec2-001"));
	assert_true(tolerated("**ec2-001**", "ec2-001"));
	assert_true(tolerated("- ec2-001", "ec2-001"));
	assert_false(tolerated("a.ec2\xe2\x80\x91" "001", "ec2\xe2\x80\x91"
	    "001"));
	assert_true(tolerated("EC2\\_001 x", "EC2\\_001"));
}

/* Out of memory: NULL, never a crash or a leak. */
static int fail_after;

static void *
failing_malloc(size_t n)
{
	return fail_after-- > 0 ? malloc(n) : NULL;
}

static void *
failing_calloc(size_t n, size_t s)
{
	return fail_after-- > 0 ? calloc(n, s) : NULL;
}

static void *
failing_realloc(void *p, size_t n)
{
	return fail_after-- > 0 ? realloc(p, n) : NULL;
}

static void
test_alloc_failure(void **state)
{
	static const struct am_allocator a = { failing_malloc, failing_calloc,
	    failing_realloc, free };
	struct am_map *m;
	char *pat;
	int limit, ok_set = 0, ok_pat = 0;

	(void)state;
	for (limit = 0; limit < 2000 && !(ok_set && ok_pat); limit++) {
		am_set_allocator(&a);
		fail_after = limit;
		m = am_prefix_set_new(custom, AM_ARRAY_SIZE(custom));
		fail_after = limit;
		pat = am_token_pattern(custom, AM_ARRAY_SIZE(custom), 1);
		am_set_allocator(NULL);
		ok_set |= m != NULL;
		ok_pat |= pat != NULL;
		am_map_free(m);
		am_free(pat);
	}
	assert_true(ok_set && ok_pat);
	assert_true(limit > 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_set),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_pattern_exact),
		cmocka_unit_test(test_pattern_tolerant),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_max_prefix),
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_tolerated),
		cmocka_unit_test(test_alloc_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
