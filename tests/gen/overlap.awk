# overlap.awk - inputs for processes that share part of their identifiers.
#
#	awk -v procs=8 -v shared=1000 -v own=1000 -v dir=D -v seed=1 \
#	    -f overlap.awk
#
# Writes D/in.1 .. D/in.PROCS: each holds SHARED lines common to all
# files plus OWN lines of its own, shuffled differently per file.  A line
# is "host NNNN: instance i-... at 10.a.b.c" (one instance ID, one
# private IPv4 address).  D/originals lists every distinct instance ID
# and address, one a line.
function line(k) {
	return sprintf("host %06d: instance i-%08x%09x at 10.%d.%d.%d", k,
	    195948557 + seed, k, int(k / 62500) % 250 + 1,
	    int(k / 250) % 250 + 1, k % 250 + 1)
}
BEGIN {
	if (seed == "") seed = 1
	srand(seed)
	for (k = 0; k < shared + procs * own; k++) {
		split(line(k), w, " ")
		print w[4] >(dir "/originals")
		print w[6] >(dir "/originals")
	}
	close(dir "/originals")
	for (p = 1; p <= procs; p++) {
		n = 0
		for (k = 0; k < shared; k++)
			a[++n] = line(k)
		for (k = 0; k < own; k++)
			a[++n] = line(shared + (p - 1) * own + k)
		for (i = n; i > 1; i--) {
			j = int(rand() * i) + 1
			t = a[i]; a[i] = a[j]; a[j] = t
		}
		f = dir "/in." p
		for (i = 1; i <= n; i++)
			print a[i] >f
		close(f)
	}
}
