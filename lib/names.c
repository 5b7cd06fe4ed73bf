/*
 * names.c - which values are never names, and which names a context
 * found may be masked again at their later bare occurrences (issue #13).
 *
 * A name is masked where a context says it is one (a naming key or
 * flag, an ARN, a Name tag).  Masking its later bare occurrences
 * ("learning" it, mask.c) is only safe for a name that cannot be an
 * ordinary word: one of four characters or more that is not in the
 * common-words list below.  A shorter or common name ("Bob", "prod",
 * "admin", "backup") stays masked where its context stands and nowhere
 * else: "prod" in prose is the word, not the cluster.
 *
 * Placeholders (the words documentation writes in a value's place:
 * "example", "user", "bucket", "role_name", "<name>") and AWS's own
 * constants (service-linked roles, AWS managed policies, "default") are
 * never names at all: a naming key or an ARN holding one masks nothing.
 */
#include "internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/*
 * Words too common to mask wherever they stand: English words and the
 * words names are built from in AWS documentation and real accounts.
 * Sorted, lower case; compared without regard to case.
 */
static const char *const common_words[] = {
	"about", "access", "account", "action", "active", "admin",
	"admins", "alarm", "alias", "allow", "alpha", "amazon", "apps",
	"archive", "audit", "auth", "backup", "backups", "base", "basic",
	"batch", "beta", "blue", "bucket", "build", "cache", "cert",
	"certs", "change", "check", "client", "cloud", "cluster",
	"clusters", "code", "config", "configuration", "console", "core",
	"create", "credential", "credentials", "cron", "daily", "data",
	"database", "date", "debug", "default", "delete", "demo", "deny",
	"deploy", "deployment", "desktop", "develop", "development",
	"devops", "disabled", "docs", "domain", "east", "email",
	"enabled", "engineering", "error", "event", "events", "example",
	"file", "files", "finance", "first", "from", "front", "function",
	"gamma", "general", "global", "gold", "green", "group", "guest",
	"hello", "home", "host", "http", "https", "image", "images",
	"info", "infra", "input", "instance", "instances", "integ",
	"integration", "internal", "item", "items", "jane", "john",
	"keys", "lambda", "last", "launch", "layer", "live", "local",
	"logging", "logs", "main", "manager", "marketing", "master",
	"media", "member", "message", "metrics", "mobile", "monitor",
	"monitoring", "name", "network", "node", "notes", "object",
	"order", "orders", "output", "owner", "page", "password", "path",
	"payments", "policy", "pool", "primary", "private", "prod",
	"production", "project", "public", "queue", "read", "reader",
	"records", "region", "release", "report", "reports", "request",
	"resource", "role", "root", "rule", "sales", "sample", "samples",
	"scripts", "search", "secondary", "secret", "secrets", "security",
	"server", "service", "session", "shared", "simple", "site",
	"source", "stack", "stage", "staging", "standard", "standards",
	"state", "states", "static", "status", "storage", "store",
	"stream", "subscription", "subscriptions", "support", "sync",
	"system", "table", "task", "team", "temp", "test", "testing",
	"tests", "third", "time", "token", "topic", "trail", "update",
	"upload", "user", "username", "users", "value", "vault",
	"version", "video", "virtual", "website", "west", "work",
	"worker", "write", "writer",
};

/*
 * Values that stand in a name's place in documentation and
 * configuration, and AWS's own default names: never a name.  Lower
 * case; compared without regard to case, and '-' and '_' alike.
 */
static const char *const placeholders[] = {
	"account", "account_id", "account_name", "bucket", "bucket_name", "bucketname",
	"cognitoidentitycredentials", "default", "example", "false", "function", "kubernetes-admin",
	"name", "nil", "none",
	"null", "primary", "resource", "role", "role_name",
	"role_session_name", "root", "session_name", "true", "undefined",
	"user", "user_id", "user_name", "username", "value",
};

/* AWS's own names: service-linked roles, IAM Identity Center's
 * sessions, AWS's key aliases, and the dotted names of AWS's own
 * namespaces (EventBridge reserves sources "aws." for AWS's services;
 * log and finding types are written AWS.CloudTrail, AWS.GuardDuty). */
static const char *const aws_prefixes[] = {
	"AWSServiceRole", "AWS-", "aws/", "aws.", "AWS.",
};

/* AWS managed policies and IAM Identity Center's predefined permission
 * sets named after them. */
static const char *const aws_managed[] = {
	"AdministratorAccess", "Billing", "DatabaseAdministrator",
	"DataScientist", "NetworkAdministrator", "PowerUserAccess",
	"ReadOnlyAccess", "SecurityAudit", "SupportUser",
	"SystemAdministrator", "ViewOnlyAccess",
};

/* The last word of an upper-case field name. */
static const char *const field_ends[] = {
	"NAME", "ID", "ARN", "NUMBER", "KEY", "PATH",
};

/* c in lower case (ASCII), and '-' as '_' when fold_sep. */
static inline int
fold(unsigned char c, int fold_sep)
{
	if (c >= 'A' && c <= 'Z')
		return c | 0x20;
	return fold_sep && c == '-' ? '_' : c;
}

/*
 * Is [p, p+len) one of the words of list, without case (and with '-'
 * and '_' alike when fold_sep)?  Byte by byte to the first difference,
 * most often the first byte: a list is walked for every name met.
 */
static int
in_list(const char *const *list, size_t n, const char *p, size_t len,
    int fold_sep)
{
	size_t i, j;
	int c0;

	if (!len)
		return 0;
	c0 = fold((unsigned char)p[0], fold_sep);
	for (i = 0; i < n; i++) {
		const char *w = list[i];

		if (fold((unsigned char)w[0], fold_sep) != c0)
			continue;
		for (j = 1; j < len && w[j] &&
		    fold((unsigned char)p[j], fold_sep) ==
		    fold((unsigned char)w[j], fold_sep); j++)
			;
		if (j == len && !w[j])
			return 1;
	}
	return 0;
}

/*
 * An AWS managed policy's name: Amazon... or AWS... and an upper-case
 * letter (AmazonS3FullAccess, AWSLambdaExecute), or one of the job
 * function policies.  Only under a policy's key: a customer's role may
 * be called AWSBackupDefaultServiceRole.
 */
int
am_name_aws_policy(const char *p, size_t n)
{
	if (n > 7 && !memcmp(p, "Amazon", 6) && isupper((unsigned char)p[6]))
		return 1;
	if (n > 4 && !memcmp(p, "AWS", 3) && isupper((unsigned char)p[3]) &&
	    isalpha((unsigned char)p[4]))
		return 1;
	return in_list(aws_managed, AM_ARRAY_SIZE(aws_managed), p, n, 0);
}

int
am_name_placeholder(const char *p, size_t n)
{
	size_t i;
	int sep = 0;

	if (n == 0)
		return 1;
	if (in_list(placeholders, AM_ARRAY_SIZE(placeholders), p, n, 1))
		return 1;
	for (i = 0; i < AM_ARRAY_SIZE(aws_prefixes); i++)
		if (n >= strlen(aws_prefixes[i]) &&
		    !memcmp(p, aws_prefixes[i], strlen(aws_prefixes[i])))
			return 1;
	/* Field names written in a value's place: MY_BUCKET_NAME,
	 * SOURCE-BUCKET-NAME, ACCOUNT-ID (upper-case words, no digit, the
	 * last one a field's).  DOC-EXAMPLE-BUCKET is an example value. */
	for (i = 0; i < n; i++) {
		if (p[i] == '_' || p[i] == '-')
			sep = 1;
		else if (!isupper((unsigned char)p[i]))
			return 0;
	}
	for (i = 0; i < AM_ARRAY_SIZE(field_ends); i++) {
		size_t l = strlen(field_ends[i]);

		if (sep && n > l && !memcmp(p + n - l, field_ends[i], l) &&
		    (p[n - l - 1] == '_' || p[n - l - 1] == '-'))
			return 1;
	}
	return 0;
}

int
am_name_learnable(const char *p, size_t n)
{
	size_t i;
	int alpha = 0;

	if (n < AM_LEARN_MIN || am_name_placeholder(p, n))
		return 0;
	for (i = 0; i < n; i++)
		alpha |= isalpha((unsigned char)p[i]) != 0;
	return alpha && !in_list(common_words, AM_ARRAY_SIZE(common_words),
	    p, n, 0);
}
