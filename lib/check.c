/*
 * check.c - awsmask --check: findings with where they are, in text that
 * may be awsmask's own output.
 *
 * A check is a scan with am->scan_issued_ok set: am_scan_window() hands
 * the parts that are, whole, tokens the store issued to am_drop_issued(),
 * so that masked text (a fixed point of masking) checks clean.  Both
 * formats report through am_report_found(), which gives a check's
 * callback the offset and length of what it found as written.
 */
#include "mask.h"

void
am_report_found(const struct am_callbacks *cb, const struct am_mpart *p,
    unsigned long long line, unsigned long long off, unsigned long long len)
{
	struct awsmask_finding f;

	if (!cb)
		return;
	if (cb->finding) {
		f.kind = p->kind;
		f.prefix = p->prefix;
		f.line = line;
		f.offset = off;
		f.length = len;
		cb->finding(cb->arg, &f);
	} else if (cb->found) {
		cb->found(cb->arg, p->kind, p->prefix, line, off);
	}
}

int
awsmask_check_fd(struct awsmask *am, int infd, awsmask_finding_fn *fn,
    void *arg)
{
	struct am_callbacks cb = { NULL, NULL, arg, fn };
	int rc, old;

	if (!am)
		return AWSMASK_EINVAL;
	old = am->scan_issued_ok;
	am->scan_issued_ok = 1;
	rc = am_json_run_fd(am, infd, -1, 0, AM_DIR_SCAN, &cb);
	am->scan_issued_ok = old;
	return rc;
}

int
awsmask_check_buffer(struct awsmask *am, const char *in, size_t len,
    awsmask_finding_fn *fn, void *arg)
{
	struct am_callbacks cb = { NULL, NULL, arg, fn };
	int rc, old;

	if (!am)
		return AWSMASK_EINVAL;
	old = am->scan_issued_ok;
	am->scan_issued_ok = 1;
	rc = am_json_run_buffer(am, in, len, AM_DIR_SCAN, &cb);
	am->scan_issued_ok = old;
	return rc;
}
