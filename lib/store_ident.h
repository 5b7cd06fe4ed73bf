/*
 * store_ident.h - the store's identity and this machine's record of the
 * numbers it was handed (store_ident.c).  Only store.c calls these.
 */
#ifndef AM_STORE_IDENT_H
#define AM_STORE_IDENT_H

/* Set up st->ident; state_dir NULL: keep no record.  Errors in st->err. */
int am_store_ident_new(struct am_store *st, const char *state_dir);
void am_store_ident_free(struct am_store_ident *d);
/*
 * Before the first allocation: compare the store's identity with the
 * record, raise the counters after a reset, give the store an identity
 * when it has none, and remember it.  Once per store.
 */
int am_store_ident_settle(struct am_store *st);
/* Before the first unmasking: only warn (no write) after a reset. */
void am_store_ident_check_ro(struct am_store *st);
/*
 * After an allocation batch, before its tokens are written anywhere:
 * record numbers above the record's marks.  A record that cannot be
 * written is a warning, not a failure.
 */
int am_store_ident_note(struct am_store *st, const struct am_store_item *it,
    size_t n);

#endif
